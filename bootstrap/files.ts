import * as path from "node:path"
import { Layer, Option } from "effect"
import { FileStoreLocal } from "../adapters/local-files/file-store.local.js"
import { FileLinksHmac } from "../adapters/local-files/signed-links.js"
import { type AppConfig, publicBaseUrlOf } from "./config.js"
import { lazyLayer } from "./lazy.js"
import type { Secrets } from "./secrets.js"

/** Signed links for files the API serves itself, keyed by the JWT secret (the message names its purpose). */
export const FileLinksLive = (config: AppConfig, secrets: Secrets) =>
  FileLinksHmac({ secret: secrets.jwtSecret, publicBaseUrl: publicBaseUrlOf(config) })

/**
 * The file store of the profile: S3 when S3_BUCKET is set, else a local folder (FILES_DIR, by default
 * `files` in the data folder). The signed-link service is there in both (the API serves local files).
 */
export const FileStoreLive = (config: AppConfig, secrets: Secrets) => {
  const { s3 } = config
  const store = Option.match(s3.bucket, {
    onNone: () => FileStoreLocal(Option.getOrElse(config.filesDir, () => path.join(config.dataDir, "files"))),
    onSome: (bucket) =>
      lazyLayer(() => import("../adapters/s3/file-store.s3.js").then(({ FileStoreS3 }) => FileStoreS3({
        bucket,
        region: s3.region,
        endpoint: s3.endpoint,
        forcePathStyle: s3.forcePathStyle,
        credentials: Option.zipWith(s3.accessKeyId, s3.secretAccessKey, (accessKeyId, secretAccessKey) => ({ accessKeyId, secretAccessKey })),
        prefix: s3.prefix
      })))
  })
  return store.pipe(Layer.provideMerge(FileLinksLive(config, secrets)))
}
