import * as path from "node:path"
import { Layer, Option } from "effect"
import { FileStoreLocal } from "../adapters/local-files/file-store.local.js"
import { FileLinksHmac } from "../adapters/local-files/signed-links.js"
import { type AppConfig, publicBaseUrlOf } from "./config.js"
import type { Secrets } from "./secrets.js"

/** Signed links for files the API serves itself, keyed by the JWT secret (the message names its purpose). */
export const FileLinksLive = (config: AppConfig, secrets: Secrets) =>
  FileLinksHmac({ secret: secrets.jwtSecret, publicBaseUrl: publicBaseUrlOf(config) })

/** The file store of the profile: a local folder (FILES_DIR, by default `files` in the data folder). */
export const FileStoreLive = (config: AppConfig, secrets: Secrets) =>
  FileStoreLocal(Option.getOrElse(config.filesDir, () => path.join(config.dataDir, "files"))).pipe(
    Layer.provideMerge(FileLinksLive(config, secrets))
  )
