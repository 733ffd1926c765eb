import { Effect, Fiber, Layer, Option, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { authenticateAccessToken } from "../../application/identity/authenticate.js"
import { RequestClient } from "../../application/identity/client.js"
import { login } from "../../application/identity/login.js"
import { forgotPassword } from "../../application/identity/password.js"
import { register } from "../../application/identity/register.js"
import { Email } from "../../domain/identity/user.js"
import { DeliveredMail } from "../../adapters/in-memory/mailer.memory.js"
import { dispatchDueMail } from "../../application/mail/dispatch.js"
import { IdentityTestLayer } from "./identity-layer.js"

export const ann = { email: Email.make("ann@example.com"), password: Redacted.make("correct horse battery"), name: "Ann" }

/** Every identity port in memory, with a request client so sessions and the audit log have one. */
export const UseCaseLayer = Layer.merge(
  IdentityTestLayer,
  Layer.succeed(RequestClient, RequestClient.of({ ip: Option.some("203.0.113.7"), userAgent: Option.some("vitest") }))
)

/** Starts the TestClock at a real date and registers Ann. */
export const registerAnn = Effect.gen(function*() {
  yield* TestClock.setTime(Date.parse("2026-03-01T09:00:00Z"))
  return yield* register(ann)
})

export const loginAnn = (password = ann.password) =>
  Effect.gen(function*() {
    const tokens = yield* loginTokens({ email: ann.email, password })
    return { tokens, actor: yield* authenticateAccessToken(tokens.accessToken) }
  })

/** Delivers the outbox and answers the token in the newest mail's link. */
export const tokenFromLastMail = Effect.gen(function*() {
  yield* dispatchDueMail(100)
  const mails = yield* (yield* DeliveredMail).all
  const text = mails.at(-1)?.text ?? ""
  return { token: decodeURIComponent(/\?token=([^\s]+)/.exec(text)?.[1] ?? ""), subject: mails.at(-1)?.subject }
})

/** The reason of an Unauthenticated (or the tag of any other error), for assertions. */
export const reasonOf = (error: { readonly _tag: string }) =>
  "reason" in error && typeof error.reason === "string" ? error.reason : error._tag

/** A login expected to give tokens at once (no 2FA on the account). */
export const loginTokens = (input: Parameters<typeof login>[0]) =>
  Effect.flatMap(login(input), (outcome) =>
    outcome._tag === "Tokens" ? Effect.succeed(outcome.tokens) : Effect.die(new Error("expected tokens, got a 2FA challenge")))

/** forgot-password issues its link in the background: this waits for it. */
export const forgotPasswordAndWait = (email: Parameters<typeof forgotPassword>[0]) => Effect.flatMap(forgotPassword(email), Fiber.join)
