import { Clock, Effect, Layer, Option } from "effect"
import { generateSecret, generateURI, verify } from "otplib"
import { Totp } from "../../application/ports/totp.js"

const PERIOD_SECONDS = 30

export const TotpOtplib = Layer.succeed(Totp, Totp.of({
  generateSecret: Effect.sync(() => generateSecret()),
  uri: (secret, accountName) => generateURI({ issuer: "BrainOps", label: accountName, secret }),
  verify: (secret, code, afterStep) =>
    Effect.gen(function*() {
      if (!/^\d{6}$/.test(code)) return Option.none()
      const epoch = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const result = yield* Effect.promise(() =>
        verify({
          secret,
          token: code,
          epoch,
          // One step of drift either way.
          epochTolerance: PERIOD_SECONDS,
          ...(Option.isSome(afterStep) ? { afterTimeStep: afterStep.value } : {})
        }).catch(() => ({ valid: false as const }))
      )
      return result.valid && "timeStep" in result ? Option.some(result.timeStep) : Option.none()
    })
}))
