import { Context, Effect, Layer, Ref } from "effect"
import { MailDeliveryFailed, Mailer } from "../../application/ports/mailer.js"
import type { MailContent } from "../../domain/mail/mail.js"

/** For tests only: what was delivered, and a switch to make the next deliveries fail. */
export class DeliveredMail extends Context.Service<DeliveredMail, {
  readonly all: Effect.Effect<ReadonlyArray<MailContent>>
  readonly failNext: (times: number) => Effect.Effect<void>
}>()("DeliveredMail") {}

export const MailerMemory = Layer.effectContext(
  Effect.gen(function*() {
    const delivered = yield* Ref.make<ReadonlyArray<MailContent>>([])
    const failures = yield* Ref.make(0)
    const transport = Mailer.of({
      name: "memory",
      keepsBodiesInOutbox: true,
      deliver: (mail) =>
        Ref.modify(failures, (n) => [n > 0, Math.max(0, n - 1)] as const).pipe(
          Effect.flatMap((fail) =>
            fail
              ? Effect.fail(new MailDeliveryFailed({ message: "simulated failure" }))
              : Ref.update(delivered, (all) => [...all, mail])
          )
        )
    })
    return Context.make(Mailer, transport).pipe(
      Context.add(DeliveredMail, DeliveredMail.of({ all: Ref.get(delivered), failNext: (times) => Ref.set(failures, times) }))
    )
  })
)
