import { Duration, Layer, Redacted } from "effect"
import { IdentitySettings } from "../../application/identity/settings.js"
import { IdsUuidV7 } from "../../adapters/crypto/ids.uuid-v7.js"
import { SecretTokensNode } from "../../adapters/crypto/secret-tokens.node.js"
import { PasswordHasherMemory } from "../../adapters/in-memory/password-hasher.memory.js"
import { SessionRepositoryMemory } from "../../adapters/in-memory/session-repository.memory.js"
import { UserRepositoryMemory } from "../../adapters/in-memory/user-repository.memory.js"
import { AccessTokensJose } from "../../adapters/jwt/access-tokens.jose.js"

export const TEST_SETTINGS = {
  accessTokenTtl: Duration.minutes(15),
  sessionTtl: Duration.days(30)
}

const Settings = Layer.succeed(IdentitySettings, TEST_SETTINGS)

/** Every identity port on in-memory adapters (time and ids from the Effect Clock, so TestClock rules). */
export const IdentityTestLayer = Layer.mergeAll(
  UserRepositoryMemory,
  SessionRepositoryMemory,
  PasswordHasherMemory,
  IdsUuidV7,
  SecretTokensNode,
  Settings,
  AccessTokensJose(Redacted.make("test-signing-key-with-at-least-32-characters")).pipe(Layer.provide(Settings))
)
