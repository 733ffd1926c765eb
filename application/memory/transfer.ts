import { DateTime, Effect, Option, Result, Schema, Stream } from "effect"
import type { Actor } from "../../domain/identity/actor.js"
import { UserId } from "../../domain/identity/user.js"
import { type JobError } from "../../domain/jobs/job.js"
import { CollectionId, Memory, MemoryId, sizeProblem } from "../../domain/memory/memory.js"
import { PortableMemory, type TransferFormat } from "../../domain/memory/portable.js"
import { ownerOnly } from "../../domain/memory/sharing.js"
import { JobFailed, type JobRun } from "../jobs/runner.js"
import { enqueueJob } from "../jobs/jobs.js"
import { ContentHash } from "../ports/content-hash.js"
import { FileStore } from "../ports/file-store.js"
import { Ids } from "../ports/ids.js"
import { everything, MemoryRepository } from "../ports/memory-repository.js"
import { UnitOfWork } from "../ports/unit-of-work.js"
import { VectorIndex } from "../ports/vector-index.js"
import { jsonArrayElements, jsonLines, type RawRecord } from "../shared/json-records.js"
import { fieldIssues } from "../shared/schema-issues.js"
import { ownedCollection } from "./access.js"
import { embedMemories, patiently } from "./indexing.js"
import { jsonProblem } from "../shared/text-policy.js"

export const IMPORT_JOB = "memory.import"
export const EXPORT_JOB = "memory.export"
/** Records embedded and written together: one embedder call and one short transaction each. */
const BATCH = 64
/**
 * Batches being embedded at once while earlier ones are written: two keep every worker of a
 * two-core machine busy (each call is spread over the workers) without queueing so much ahead that
 * a search's query embedding waits long behind the import.
 */
const EMBEDDING_AHEAD = 2

const ImportPayload = Schema.Struct({ file_key: Schema.String, format: Schema.Literals(["jsonl", "json"]), collection_id: Schema.NullOr(Schema.String) })
const ExportPayload = Schema.Struct({ format: Schema.Literals(["jsonl", "json"]), collection_id: Schema.NullOr(Schema.String) })
const ImportCheckpoint = Schema.Struct({ line: Schema.Number, imported: Schema.Number, duplicates: Schema.Number, invalid: Schema.Number })
type ImportCheckpoint = typeof ImportCheckpoint.Type
const decodePortable = Schema.decodeUnknownResult(PortableMemory)

/**
 * Accepts an upload for import: the body is streamed to the file store first (never held whole),
 * then a job is queued; the caller follows it at GET /jobs/{id}.
 */
export const startImport = Effect.fn("Memory.startImport")(function*<E, F>(
  actor: Actor,
  upload: {
    readonly body: Stream.Stream<Uint8Array, E>
    /** Known once the body has been read (a multipart file names its type inside the body). */
    readonly format: Effect.Effect<TransferFormat, F>
    readonly collectionId: Option.Option<CollectionId>
  }
) {
  if (Option.isSome(upload.collectionId)) yield* ownedCollection(actor, upload.collectionId.value, "import into it")
  const files = yield* FileStore
  const fileKey = `imports/${actor.userId}/${yield* (yield* Ids).next}.upload`
  const stored = yield* files.put(fileKey, upload.body, "application/octet-stream")
  const format = yield* upload.format.pipe(Effect.tapError(() => files.delete(fileKey)))
  yield* Effect.logInfo("import uploaded").pipe(Effect.annotateLogs({ file: fileKey, bytes: stored.size, format }))
  return yield* enqueueJob(IMPORT_JOB, Option.some(actor.userId), { file_key: fileKey, format, collection_id: Option.getOrNull(upload.collectionId) })
})

export const startExport = Effect.fn("Memory.startExport")(function*(
  actor: Actor,
  request: { readonly format: TransferFormat; readonly collectionId: Option.Option<CollectionId> }
) {
  if (Option.isSome(request.collectionId)) yield* ownedCollection(actor, request.collectionId.value, "export it")
  return yield* enqueueJob(EXPORT_JOB, Option.some(actor.userId), { format: request.format, collection_id: Option.getOrNull(request.collectionId) })
})

const records = (format: TransferFormat, bytes: Stream.Stream<Uint8Array, unknown>) => {
  const text = Stream.decodeText(bytes)
  return format === "jsonl" ? jsonLines(text) : jsonArrayElements(text)
}

const importKeyOf = (record: PortableMemory, hash: ContentHash["Service"]) => record.external_id ?? `sha256:${hash.sha256(record.content)}`

/** A record's problems, as an error line for the job (none when it is good). */
const checkRecord = (raw: RawRecord): { readonly record?: PortableMemory; readonly error?: JobError } => {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw.text)
  } catch {
    return { error: { line: raw.line, message: "not valid JSON" } }
  }
  // The same text policy as the HTTP boundary: NUL or an unpaired surrogate is a bad record, skipped.
  const refused = jsonProblem(parsed, "record")
  if (refused !== undefined) return { error: { line: raw.line, message: `invalid record: ${refused.path}: ${refused.message}` } }
  const decoded = decodePortable(parsed, { errors: "all" })
  if (Result.isFailure(decoded)) {
    const issues = fieldIssues(decoded.failure, "record").slice(0, 3).map((i) => `${i.path}: ${i.message}`)
    return { error: { line: raw.line, message: `invalid record: ${issues.join("; ")}` } }
  }
  const record = decoded.success
  const tooLarge = sizeProblem(record.content, record.metadata)
  return Option.isSome(tooLarge) ? { error: { line: raw.line, message: tooLarge.value.reason } } : { record }
}

/**
 * The import job: reads the stored file as a stream of records, reports bad ones by line and skips
 * them, and imports the good ones in batches (embedded before, written in one short transaction
 * each, with the checkpoint). Resumable: after a crash the job starts after the last committed
 * batch, and records already imported (same external_id or content) are skipped anyway, so every
 * record is imported exactly once and the counts stay exact.
 */
export const runImport = (run: JobRun) =>
  Effect.gen(function*() {
    const payload = yield* Schema.decodeUnknownEffect(ImportPayload)(run.job.payload).pipe(
      Effect.mapError(() => new JobFailed({ message: "malformed import job payload", retryable: false }))
    )
    const owner = yield* Option.match(run.job.ownerId, {
      onNone: () => Effect.fail(new JobFailed({ message: "an import needs an owner", retryable: false })),
      onSome: Effect.succeed
    })
    const collectionId = Option.map(Option.fromNullishOr(payload.collection_id), (c) => CollectionId.make(c))
    const files = yield* FileStore
    const memories = yield* MemoryRepository
    const index = yield* VectorIndex
    const uow = yield* UnitOfWork
    const ids = yield* Ids
    const hash = yield* ContentHash
    const open = Effect.flatMap(files.get(payload.file_key), (found) =>
      Option.match(found, {
        onNone: () => Effect.fail(new JobFailed({ message: "the uploaded file is gone", retryable: false })),
        onSome: (f) => Effect.succeed(f.body)
      }))
    const asFileError = Effect.mapError((e: unknown) =>
      (e as { _tag?: string })._tag === "MalformedFile"
        ? new JobFailed({ message: (e as { message: string }).message, retryable: false })
        : (e as JobFailed))

    let state: ImportCheckpoint = Option.getOrElse(Schema.decodeUnknownOption(ImportCheckpoint)(run.job.checkpoint), () => ({
      line: 0,
      imported: 0,
      duplicates: 0,
      invalid: 0
    }))
    // A first pass counts the records, for progress; it reads the file but parses nothing.
    const total = yield* Stream.runCount(records(payload.format, yield* open)).pipe(asFileError)
    yield* run.progress(state.imported + state.duplicates + state.invalid, Option.some(total), state)

    // A batch is prepared (checked, deduplicated, embedded) outside any transaction, then written.
    const prepareBatch = (batch: ReadonlyArray<RawRecord>) =>
      Effect.gen(function*() {
        const checked = batch.map(checkRecord)
        const bad = checked.flatMap((c) => (c.error ? [c.error] : []))
        const good = checked.flatMap((c) => (c.record ? [c.record] : []))
        const now = yield* DateTime.now
        const candidates = yield* Effect.forEach(good, (r) =>
          Effect.map(ids.next, (id) =>
            new Memory({
              id: MemoryId.make(id),
              ownerId: UserId.make(owner),
              collectionId,
              title: Option.fromNullishOr(r.title),
              content: r.content,
              tags: [...new Set(r.tags ?? [])],
              metadata: r.metadata ?? {},
              memoryType: r.memory_type ?? "note",
              pinned: r.pinned ?? false,
              createdAt: r.created_at ?? now,
              updatedAt: r.updated_at ?? r.created_at ?? now,
              importKey: Option.some(importKeyOf(r, hash))
            })))
        // Within one file, the first record with a key wins; records already imported are skipped
        // before the (slow) embedding. A repeat of a record of the batch still being written is not
        // seen here: it is embedded, and the insert skips it (ON CONFLICT), which the counts follow.
        const keys = new Set<string>()
        const firstOfKey = candidates.filter((m) => {
          const key = Option.getOrThrow(m.importKey)
          if (keys.has(key)) return false
          keys.add(key)
          return true
        })
        const existing = yield* memories.existingImportKeys(owner, firstOfKey.flatMap((m) => Option.toArray(m.importKey)))
        const fresh = firstOfKey.filter((m) => !existing.has(Option.getOrThrow(m.importKey)))
        const entries = yield* patiently(embedMemories(fresh))
        return { lastLine: batch.at(-1)!.line, bad, good: good.length, fresh, entries }
      })

    // The batch, its vectors and the checkpoint that says it is done commit together, in file order.
    const writeBatch = (prepared: Effect.Success<ReturnType<typeof prepareBatch>>) =>
      Effect.gen(function*() {
        const { bad, entries, fresh, good, lastLine } = prepared
        state = yield* uow.transaction(
          Effect.gen(function*() {
            const added = new Set<string>(yield* memories.insertImported(fresh))
            yield* index.upsert(entries.filter((e) => added.has(e.memoryId)))
            if (bad.length > 0) yield* run.report(bad)
            const next = {
              line: lastLine,
              imported: state.imported + added.size,
              duplicates: state.duplicates + (good - added.size),
              invalid: state.invalid + bad.length
            }
            yield* run.save(next.imported + next.duplicates + next.invalid, Option.some(total), next)
            return next
          })
        )
      })

    // Pipelined: while batch N is written, the next ones are embedded (the embedder's workers never
    // wait for the database, nor the database for them). Batches are still written one at a time and
    // in order, so the checkpoint always names the last line of a fully committed prefix.
    yield* records(payload.format, yield* open).pipe(
      Stream.filter((r) => r.line > state.line),
      Stream.grouped(BATCH),
      Stream.mapEffect(prepareBatch, { concurrency: EMBEDDING_AHEAD }),
      Stream.buffer({ capacity: 1 }),
      Stream.runForEach(writeBatch),
      asFileError
    )
    yield* files.delete(payload.file_key)
    return { total, imported: state.imported, duplicates: state.duplicates, invalid: state.invalid }
  })

const exportRecord = (m: Memory) => ({
  external_id: Option.getOrElse(m.importKey, () => m.id),
  title: Option.getOrNull(m.title),
  content: m.content,
  tags: m.tags,
  metadata: m.metadata,
  memory_type: m.memoryType,
  pinned: m.pinned,
  created_at: DateTime.formatIso(m.createdAt),
  updated_at: DateTime.formatIso(m.updatedAt)
})

/** The export job: the owner's memories (optionally one collection), page by page, streamed to a file. */
export const runExport = (run: JobRun) =>
  Effect.gen(function*() {
    const payload = yield* Schema.decodeUnknownEffect(ExportPayload)(run.job.payload).pipe(
      Effect.mapError(() => new JobFailed({ message: "malformed export job payload", retryable: false }))
    )
    const owner = UserId.make(Option.getOrThrow(run.job.ownerId))
    const memories = yield* MemoryRepository
    const page = 500
    const filter = { ...everything(ownerOnly(owner)), collectionId: Option.map(Option.fromNullishOr(payload.collection_id), (c) => CollectionId.make(c)) }
    let count = 0
    const pages = Stream.paginate(Option.none<{ at: number; id: string }>(), (after) =>
      Effect.map(memories.list(filter, after, page), (rows) => {
        const items = rows.slice(0, page)
        const last = items.at(-1)
        const next = rows.length > page && last ? Option.some(Option.some({ at: DateTime.toEpochMillis(last.createdAt), id: last.id as string })) : Option.none()
        return [items, next] as const
      }))
    const lines = pages.pipe(
      Stream.mapEffect((m) => Effect.as(run.progress(++count, Option.none(), null), m)),
      Stream.map((m) => JSON.stringify(exportRecord(m))),
      Stream.zipWithIndex,
      Stream.map(([json, i]) => (payload.format === "jsonl" ? `${json}\n` : `${i === 0 ? "[\n" : ",\n"}${json}`))
    )
    const body = payload.format === "jsonl"
      ? lines
      : Stream.concat(lines, Stream.suspend(() => Stream.make(count === 0 ? "[]\n" : "\n]\n")))
    const key = `exports/${owner}/${run.job.id}.${payload.format}`
    const stored = yield* (yield* FileStore).put(key, Stream.encodeText(body), payload.format === "jsonl" ? "application/x-ndjson" : "application/json")
    yield* run.progress(count, Option.some(count), null)
    return { file_key: key, format: payload.format, count, bytes: stored.size }
  })
