import { Worker } from "node:worker_threads"
import { Effect, type Scope } from "effect"
import { EmbedderBusy, EmbeddingFailed } from "../../application/ports/embedder.js"
import { inCallOrder, lengthSortedBatches } from "./length-batches.js"

export interface EmbeddingPoolOptions {
  /** The worker script: answers {type:"ready"} once loaded, then {type:"result", id, vectors} per {id, texts}. */
  readonly script: URL
  /** Worker threads. */
  readonly size: number
  /** Texts that may wait for a worker; an embed call that would pass it is refused with EmbedderBusy. */
  readonly queueLimit: number
  /** Texts a worker embeds per message, at most (a call is cut into batches of texts of about one length). */
  readonly batchSize: number
}

export interface EmbeddingPool {
  /** Raw vectors of the worker (not normalised), one per text, in order. */
  readonly embed: (texts: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, EmbeddingFailed | EmbedderBusy>
  /** Texts waiting for a worker now. */
  readonly queued: () => number
  /** Each running worker's V8 heap in use and its memory outside the heap (the model's), in bytes. */
  readonly memory: () => Effect.Effect<ReadonlyArray<{ readonly heapUsed: number; readonly external: number }>>
}

type Outcome = { readonly vectors: ReadonlyArray<ReadonlyArray<number>> } | { readonly error: EmbeddingFailed }

interface Task {
  readonly id: number
  readonly texts: ReadonlyArray<string>
  settled: boolean
  /** When a worker took it (performance.now()), to learn how long a batch takes. */
  startedAt: number | undefined
  /** Kept until the caller listens (a worker may answer before the caller's fiber has registered). */
  outcome: Outcome | undefined
  listener: ((outcome: Outcome) => void) | undefined
}

interface Slot {
  state: "dead" | "starting" | "idle" | "busy"
  worker: Worker | undefined
  task: Task | undefined
}

type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "fatal"; readonly message: string }
  | { readonly type: "result"; readonly id: number; readonly vectors: ReadonlyArray<ReadonlyArray<number>> }
  | { readonly type: "error"; readonly id: number; readonly message: string }

/**
 * A pool of worker threads that embed off the event loop: a long embedding no longer holds every
 * other request. The queue is bounded (in texts): past it a caller is refused at once with
 * EmbedderBusy rather than piling up work and memory without end; a call that finds the queue
 * empty is always taken, so no text is too long to embed. A worker that dies fails the batch it
 * held with EmbeddingFailed (never hangs it) and is replaced. Scoped: closing the scope terminates
 * the workers and fails whatever still waits.
 */
export const makeEmbeddingPool = (options: EmbeddingPoolOptions): Effect.Effect<EmbeddingPool, EmbeddingFailed, Scope.Scope> =>
  Effect.gen(function*() {
    const slots: Array<Slot> = Array.from({ length: Math.max(1, options.size) }, () => ({ state: "dead", worker: undefined, task: undefined }))
    const waiting: Array<Task> = []
    let queuedTexts = 0
    let nextId = 0
    let closed = false
    // Milliseconds a batch takes, smoothed: how long a refused caller should wait.
    let batchMillis = 1000
    const readyWaiters = new Set<{ resolve: () => void; reject: (e: EmbeddingFailed) => void; slot: Slot }>()

    const settle = (task: Task, outcome: Outcome) => {
      if (task.settled) return
      task.settled = true
      task.outcome = outcome
      task.listener?.(outcome)
    }

    /** A caller gave up on the task: it is no one's any more, and leaves the queue if it still waits there. */
    const withdraw = (task: Task) => {
      task.settled = true
      const at = waiting.indexOf(task)
      if (at >= 0) {
        waiting.splice(at, 1)
        queuedTexts -= task.texts.length
      }
    }

    const spawn = (slot: Slot) => {
      slot.state = "starting"
      const worker = new Worker(options.script)
      slot.worker = worker
      let everReady = false
      let lastMessage = ""
      worker.on("message", (message: FromWorker) => {
        if (message.type === "ready") {
          everReady = true
          slot.state = "idle"
          for (const w of readyWaiters) if (w.slot === slot) (readyWaiters.delete(w), w.resolve())
          pump()
        } else if (message.type === "fatal") {
          lastMessage = message.message
        } else if (slot.task !== undefined && slot.task.id === message.id) {
          const task = slot.task
          if (task.startedAt !== undefined) batchMillis = 0.7 * batchMillis + 0.3 * (performance.now() - task.startedAt)
          slot.task = undefined
          slot.state = "idle"
          settle(task, message.type === "result" ? { vectors: message.vectors } : { error: new EmbeddingFailed({ message: message.message }) })
          pump()
        }
      })
      worker.on("error", (error) => {
        lastMessage = String(error)
      })
      worker.on("exit", (code) => {
        if (slot.worker !== worker) return
        slot.worker = undefined
        slot.state = "dead"
        const reason = lastMessage || `exit code ${code}`
        if (slot.task !== undefined) {
          settle(slot.task, { error: new EmbeddingFailed({ message: `an embedding worker stopped: ${reason}` }) })
          slot.task = undefined
        }
        if (closed) return
        for (const w of readyWaiters) if (w.slot === slot) (readyWaiters.delete(w), w.reject(new EmbeddingFailed({ message: reason })))
        if (everReady) {
          // A crash: a fresh worker takes its place (its model loaded once more).
          spawn(slot)
        } else if (slots.every((s) => s.state === "dead")) {
          // No worker can start (the model does not load): fail the waiting callers instead of hanging them.
          for (const task of waiting.splice(0)) settle(task, { error: new EmbeddingFailed({ message: `no embedding worker could start: ${reason}` }) })
          queuedTexts = 0
        }
      })
    }

    function pump() {
      if (closed) return
      for (const slot of slots) {
        if (waiting.length === 0) return
        if (slot.state === "dead") spawn(slot)
        if (slot.state !== "idle") continue
        const task = waiting.shift()!
        queuedTexts -= task.texts.length
        if (task.settled) continue
        slot.task = task
        slot.state = "busy"
        task.startedAt = performance.now()
        slot.worker!.postMessage({ id: task.id, texts: task.texts })
      }
    }

    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        closed = true
        const stopped = new EmbeddingFailed({ message: "the embedding pool was closed" })
        for (const task of waiting.splice(0)) settle(task, { error: stopped })
        for (const slot of slots) if (slot.task !== undefined) settle(slot.task, { error: stopped })
        for (const w of readyWaiters) w.reject(stopped)
        await Promise.all(slots.map((slot) => slot.worker?.terminate()))
      })
    )

    // The model is loaded once per worker, now: a model that cannot load stops startup, as before.
    yield* Effect.tryPromise({
      try: () =>
        Promise.all(slots.map((slot) =>
          new Promise<void>((resolve, reject) => {
            readyWaiters.add({ slot, resolve, reject })
            spawn(slot)
          })
        )),
      catch: (error) => error instanceof EmbeddingFailed ? error : new EmbeddingFailed({ message: String(error) })
    })

    const runTask = (texts: ReadonlyArray<string>) => {
      const task: Task = { id: nextId++, texts, settled: false, startedAt: undefined, outcome: undefined, listener: undefined }
      const result = Effect.callback<ReadonlyArray<ReadonlyArray<number>>, EmbeddingFailed>((resume) => {
        const deliver = (outcome: Outcome) => resume("vectors" in outcome ? Effect.succeed(outcome.vectors) : Effect.fail(outcome.error))
        if (task.outcome !== undefined) return deliver(task.outcome)
        task.listener = deliver
        // Interrupted (the request went away): a waiting batch leaves the queue; a running one is
        // let finish and its vectors dropped.
        return Effect.sync(() => withdraw(task))
      })
      return { task, result }
    }

    const embed = (texts: ReadonlyArray<string>) =>
      Effect.suspend((): Effect.Effect<ReadonlyArray<ReadonlyArray<number>>, EmbeddingFailed | EmbedderBusy> => {
        if (texts.length === 0) return Effect.succeed([])
        if (closed) return Effect.fail(new EmbeddingFailed({ message: "the embedding pool was closed" }))
        if (queuedTexts > 0 && queuedTexts + texts.length > options.queueLimit) {
          const batches = Math.ceil(queuedTexts / options.batchSize)
          return Effect.fail(new EmbedderBusy({ retryAfterSeconds: Math.max(1, Math.ceil((batches * batchMillis) / slots.length / 1000)) }))
        }
        // Batches of texts of about one length (the model pads a batch to its longest text), spread
        // over the workers; the vectors come back in the order of the call.
        const batches = lengthSortedBatches(texts, options.batchSize, slots.length)
        const runs = batches.map((positions) => runTask(positions.map((at) => texts[at]!)))
        for (const { task } of runs) waiting.push(task)
        queuedTexts += texts.length
        pump()
        return Effect.forEach(runs, (r) => r.result, { concurrency: "unbounded" }).pipe(
          // Also the batches whose caller fiber was interrupted before it listened.
          Effect.onInterrupt(() => Effect.sync(() => runs.forEach(({ task }) => withdraw(task)))),
          Effect.flatMap((results) =>
            results.every((vectors, b) => vectors.length === batches[b]!.length)
              ? Effect.succeed(inCallOrder(batches, results))
              : Effect.fail(new EmbeddingFailed({ message: "an embedding worker answered a batch with the wrong number of vectors" })))
        )
      })

    const memory = () =>
      Effect.promise(() =>
        Promise.all(slots.flatMap((slot) => (slot.worker === undefined ? [] : [slot.worker.getHeapStatistics().catch(() => undefined)])))
      ).pipe(Effect.map((stats) => stats.flatMap((h) => (h === undefined ? [] : [{ heapUsed: h.used_heap_size, external: h.external_memory }]))))

    return { embed, queued: () => queuedTexts, memory }
  })
