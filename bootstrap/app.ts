import { Effect, Layer, Option } from "effect"
import { ensureAdmin } from "../application/identity/ensure-admin.js"
import { HttpServerLive } from "../adapters/http/server.js"
import { type AppConfig, invalidSetting, publicBaseUrlOf } from "./config.js"
import type { Foundations } from "./foundations.js"
import { AppServicesLive } from "./layers.js"
import { MailDispatcherLive } from "./mail.js"
import { ReindexOnModelChange, WorkersLive, workerInApi } from "./jobs.js"
import { MaintenanceLive } from "./maintenance.js"
import type { Secrets } from "./secrets.js"

/** BRAINOPS_ADMIN_EMAIL / BRAINOPS_ADMIN_PASSWORD: create the first admin at startup when absent. */
const AdminFromEnv = (config: AppConfig) =>
  Layer.effectDiscard(
    Option.match(config.admin, {
      onNone: () => Effect.void,
      onSome: ({ email, password }) =>
        ensureAdmin({ email, password }).pipe(
          Effect.flatMap((outcome) => Effect.logInfo(`admin ${email}: ${outcome}`)),
          Effect.catchTag("EmailAlreadyRegistered", () => Effect.void),
          // A password the policy refuses is a bad setting: startup names it, like any other.
          Effect.catch((error) =>
            error._tag === "WeakPassword"
              ? Effect.fail(invalidSetting("BRAINOPS_ADMIN_PASSWORD", `BRAINOPS_ADMIN_PASSWORD is not accepted: ${error.reason}`))
              : Effect.die(error)
          )
        )
    })
  )

/** The HTTP server of a configuration, over whatever services it is given. */
export const HttpFor = <ROut, E, RIn>(config: AppConfig, services: Layer.Layer<ROut, E, RIn>) =>
  HttpServerLive({
    host: config.host,
    port: config.port,
    corsOrigins: config.corsOrigins,
    maxBodyBytes: config.maxBodyBytes,
    maxUploadBytes: config.maxUploadBytes,
    https: publicBaseUrlOf(config).startsWith("https:"),
    shutdownTimeout: config.shutdownTimeout
  }, services).pipe(Layer.provide(AdminFromEnv(config).pipe(Layer.provide(services))))

/** The server's parts (HTTP, mail dispatcher, maintenance, workers) over the services they are given. */
export const ServerOver = <ROut, E, RIn>(config: AppConfig, services: Layer.Layer<ROut, E, RIn>) =>
  Layer.merge(
    // Given the services itself (the routes keep them; the server around them does not need them).
    HttpFor(config, services),
    Layer.mergeAll(
      MailDispatcherLive(config),
      MaintenanceLive,
      ReindexOnModelChange,
      workerInApi(config) ? WorkersLive(config) : Layer.empty
    ).pipe(Layer.provide(services))
  )

/** The whole server for a configuration: services of its profile, migrations, admin bootstrap, HTTP. */
export const ServerLive = (config: AppConfig, secrets: Secrets, foundations?: Foundations) =>
  ServerOver(config, AppServicesLive(config, secrets, foundations))

