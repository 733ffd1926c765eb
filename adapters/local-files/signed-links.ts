import { createHmac, timingSafeEqual } from "node:crypto"
import { Context, DateTime, type Duration, Effect, Layer, Option, Redacted } from "effect"

export interface SignedLink {
  readonly key: string
  readonly filename: string
  readonly expires: number
}

/**
 * Short-lived download links for files the API serves itself (the local file store): the key, the
 * download name and the expiry are signed with HMAC-SHA256, so a link cannot be altered or extended.
 */
export class FileLinks extends Context.Service<FileLinks, {
  readonly sign: (key: string, expiresIn: Duration.Input, filename: string) => Effect.Effect<string>
  /** The link's file when the signature holds and it has not expired. */
  readonly verify: (token: string, expires: number, filename: string, signature: string) => Effect.Effect<Option.Option<SignedLink>>
}>()("FileLinks") {}

const mac = (secret: string, key: string, expires: number, filename: string) =>
  createHmac("sha256", secret).update(`brainops-file\n${key}\n${expires}\n${filename}`).digest("base64url")

export const FileLinksHmac = (options: { readonly secret: Redacted.Redacted<string>; readonly publicBaseUrl: string }) =>
  Layer.succeed(FileLinks, FileLinks.of({
    sign: (key, expiresIn, filename) =>
      Effect.map(DateTime.now, (now) => {
        const expires = Math.ceil(DateTime.toEpochMillis(DateTime.addDuration(now, expiresIn)) / 1000)
        const query = new URLSearchParams({
          file: Buffer.from(key).toString("base64url"),
          expires: String(expires),
          name: filename,
          signature: mac(Redacted.value(options.secret), key, expires, filename)
        })
        return `${options.publicBaseUrl.replace(/\/+$/, "")}/api/v1/files?${query}`
      }),
    verify: (token, expires, filename, signature) =>
      Effect.map(DateTime.now, (now) => {
        const key = Buffer.from(token, "base64url").toString("utf8")
        const expected = Buffer.from(mac(Redacted.value(options.secret), key, expires, filename))
        const given = Buffer.from(signature)
        const valid = expected.length === given.length && timingSafeEqual(expected, given)
        return valid && expires * 1000 > DateTime.toEpochMillis(now) ? Option.some({ key, filename, expires }) : Option.none()
      })
  }))
