import { HttpClient, HttpClientRequest } from "@effect/platform"
import { type Duration, Effect, Option, Redacted, Schedule } from "effect"

/**
 * The HttpClient every OpenAI-compatible adapter uses: the bearer key when there is one, non-2xx as
 * errors, each response under a timeout, and transient failures (network errors, 429, 5xx) retried
 * three times with exponential backoff.
 */
export const openAiClient = (options: { readonly apiKey: Option.Option<Redacted.Redacted<string>>; readonly timeout: Duration.DurationInput }) =>
  Effect.map(HttpClient.HttpClient, (client) =>
    client.pipe(
      HttpClient.mapRequest((request) =>
        Option.match(options.apiKey, { onNone: () => request, onSome: (key) => HttpClientRequest.bearerToken(request, Redacted.value(key)) })),
      HttpClient.filterStatusOk,
      HttpClient.transformResponse(Effect.timeout(options.timeout)),
      HttpClient.retryTransient({ times: 3, schedule: Schedule.exponential("200 millis") })
    ))
