import * as fs from "node:fs"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Schedule } from "effect"
import S3rver from "s3rver"
import { loginAs, MAIL_ENV, register, request, TestServer, TestServerLive, uniqueEmail } from "../support/http.js"
import { adminToken, approvedProduct, marketCall, verifiedUser } from "../support/marketplace-http.js"
import { scratchDir } from "../support/scratch.js"

/** The server with S3_BUCKET set, against s3rver: uploads and exports go to the bucket, links are presigned. */
const ServerOnS3 = Layer.unwrap(
  Effect.gen(function*() {
    const directory = scratchDir("s3-http-")
    const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: "exports", configs: [] }] })
    const address = yield* Effect.acquireRelease(Effect.promise(() => server.run()), () =>
      Effect.promise(() => server.close()).pipe(Effect.andThen(Effect.sync(() => fs.rmSync(directory, { recursive: true, force: true })))))
    return TestServerLive({
      ...MAIL_ENV,
      S3_BUCKET: "exports",
      S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
      S3_FORCE_PATH_STYLE: "true",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER"
    })
  })
)

layer(ServerOnS3, { timeout: "90 seconds", excludeTestServices: true })("HTTP: files on S3", (it) => {
  it.effect("with S3_BUCKET set, an import goes through the bucket and an export's link is a presigned S3 URL", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const email = uniqueEmail("s3")
      yield* register(email, "correct horse battery staple")
      const token = (yield* loginAs(email, "correct horse battery staple")).access_token
      const finished = (id: string) =>
        request(server.url(`/api/v1/jobs/${id}`), { token }).pipe(
          Effect.filterOrFail((r) => ["succeeded", "failed"].includes(r.body.status)),
          Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo({ duration: "30 seconds" }))),
          Effect.map((r) => r.body)
        )
      const imported = yield* request(server.url("/api/v1/memories/import"), {
        method: "POST",
        token,
        body: `${JSON.stringify({ content: "Stored by way of S3." })}\n`,
        headers: { "content-type": "application/x-ndjson" }
      })
      expect((yield* finished(imported.body.job_id)).result).toMatchObject({ imported: 1 })
      const exported = yield* request(server.url("/api/v1/memories/export"), { method: "POST", token, json: { format: "jsonl" } })
      const job = yield* finished(exported.body.job_id)
      expect(job.result.download_url).toContain("X-Amz-Signature")
      const file = yield* Effect.promise(() => fetch(job.result.download_url).then((r) => r.text()))
      expect(JSON.parse(file.trim())).toMatchObject({ content: "Stored by way of S3." })
    }))

  it.effect("with S3_BUCKET set, an order's download link is still the API's (not presigned): it serves the file from the bucket until a refund, then 404", () =>
    Effect.gen(function*() {
      const server = yield* TestServer
      const seller = yield* verifiedUser("s3-seller")
      const buyer = yield* verifiedUser("s3-buyer")
      const admin = yield* adminToken
      const productId = yield* approvedProduct(seller, {}, "PK from the bucket")
      const order = (yield* marketCall(`/products/${productId}/purchase`, { method: "POST", token: buyer })).body.id
      expect((yield* marketCall(`/admin/orders/${order}/mark-paid`, { method: "POST", token: admin })).body.status).toBe("paid")
      const link = new URL((yield* marketCall(`/orders/${order}/download`, { token: buyer })).body.url)
      expect([link.pathname, link.searchParams.get("order"), link.searchParams.has("X-Amz-Signature")]).toEqual(["/api/v1/files", order, false])
      const get = () =>
        Effect.promise(() => fetch(server.url(`${link.pathname}${link.search}`)).then(async (r) => ({ status: r.status, type: r.headers.get("content-type"), text: await r.text() })))
      expect(yield* get()).toEqual({ status: 200, type: "application/octet-stream", text: "PK from the bucket" })
      expect((yield* marketCall(`/admin/orders/${order}/refund`, { method: "POST", token: admin })).body.status).toBe("refunded")
      expect((yield* get()).status).toBe(404)
    }))
})
