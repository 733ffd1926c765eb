import { Clock, Effect } from "effect"
import { generate } from "otplib"

/** The code an authenticator app would show now (by the Effect Clock), or `steps` periods from now. */
export const currentCode = (secret: string, steps = 0) =>
  Effect.flatMap(Clock.currentTimeMillis, (millis) =>
    Effect.promise(() => generate({ secret, epoch: Math.floor(millis / 1000) + steps * 30 })))
