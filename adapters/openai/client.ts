import { HttpClient, HttpClientRequest } from "effect/http"
import { type Duration, Effect, Option, Redacted, Schedule } from "effect"

/**
 * The HttpClient every OpenAI-compatible adapter uses: the bearer key when there is one, non-2xx as
 * errors, each response under a timeout, and transient failures (network errors, timeouts, 429, 5xx)
 * retried three times with exponential backoff. Non-2xx answers are already errors when the retry
 * sees them, so only errors are retried.
 */
export const openAiClient = (options: { readonly apiKey: Option.Option<Redacted.Redacted<string>>; readonly timeout: Duration.Input }) =>
  Effect.map(HttpClient.HttpClient, (client) =>
    client.pipe(
      HttpClient.mapRequest((request) =>
        Option.match(options.apiKey, { onNone: () => request, onSome: (key) => HttpClientRequest.bearerToken(request, Redacted.value(key)) })),
      HttpClient.filterStatusOk,
      HttpClient.transformResponse(Effect.timeout(options.timeout)),
      HttpClient.retryTransient({ retryOn: "errors-only", times: 3, schedule: Schedule.exponential("200 millis") })
    ))

