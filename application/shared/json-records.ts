import { Data, Effect, Stream } from "effect"

/** One record of an import file, with its position (line in JSON Lines, element in a JSON array; from 1). */
export interface RawRecord {
  readonly line: number
  readonly text: string
}

export class MalformedFile extends Data.TaggedError("MalformedFile")<{ readonly message: string }> {}

/** The non-empty lines of a JSON Lines text, numbered as in the file. */
export const jsonLines = <E>(text: Stream.Stream<string, E>): Stream.Stream<RawRecord, E> =>
  text.pipe(
    Stream.splitLines,
    Stream.zipWithIndex,
    Stream.filter(([line]) => line.trim().length > 0),
    Stream.map(([line, i]) => ({ line: i + 1, text: line }))
  )

/**
 * The elements of one top-level JSON array, as text, without holding the array: a small scanner
 * tracks nesting and strings, and cuts at the top-level commas. Elements are numbered from 1.
 */
export const jsonArrayElements = <E>(text: Stream.Stream<string, E>): Stream.Stream<RawRecord, E | MalformedFile> => {
  let depth = 0
  let inString = false
  let escaped = false
  let started = false
  let ended = false
  let current = ""
  let count = 0
  const scan = (chunk: string): Array<RawRecord> => {
    const out: Array<RawRecord> = []
    let from = 0
    const flush = (to: number) => {
      const element = (current + chunk.slice(from, to)).trim()
      current = ""
      if (element.length > 0) out.push({ line: ++count, text: element })
    }
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!
      if (!started) {
        if (c === "[") {
          started = true
          depth = 1
          from = i + 1
        } else if (c.trim().length > 0 && c !== "\uFEFF") throw new MalformedFile({ message: "a JSON import must be one array of records: [ {...}, {...} ]" })
        continue
      }
      if (ended) {
        if (c.trim().length > 0) throw new MalformedFile({ message: "unexpected text after the closing ] of the array" })
        continue
      }
      if (inString) {
        if (escaped) escaped = false
        else if (c === "\\") escaped = true
        else if (c === "\"") inString = false
        continue
      }
      if (c === "\"") inString = true
      else if (c === "[" || c === "{") depth++
      else if (c === "]" || c === "}") {
        depth--
        if (depth === 0) {
          flush(i)
          ended = true
          from = i + 1
        }
      } else if (c === "," && depth === 1) {
        flush(i)
        from = i + 1
      }
    }
    if (started && !ended) current += chunk.slice(from)
    return out
  }
  return text.pipe(
    Stream.mapEffect((chunk) => {
      try {
        return Effect.succeed(scan(chunk))
      } catch (error) {
        return Effect.fail(error as MalformedFile)
      }
    }),
    Stream.flattenIterable,
    Stream.concat(Stream.suspend(() => (started && ended ? Stream.empty : Stream.fail(new MalformedFile({ message: started ? "the JSON array is not closed" : "the file is empty" })))))
  )
}
