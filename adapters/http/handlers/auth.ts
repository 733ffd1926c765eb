import { HttpApiBuilder, type HttpServerRequest } from "@effect/platform"
import { Effect, Option } from "effect"
import { currentUser } from "../../../application/identity/current-user.js"
import { resendVerification, verifyEmail } from "../../../application/identity/email-verification.js"
import { login } from "../../../application/identity/login.js"
import { logout } from "../../../application/identity/logout.js"
import { refresh } from "../../../application/identity/refresh.js"
import { register } from "../../../application/identity/register.js"
import type { ClientInfo, TokenPair } from "../../../application/identity/tokens.js"
import type { User } from "../../../domain/identity/user.js"
import { BrainOpsApi } from "../api.js"
import { CurrentActor } from "../current-actor.js"
import { httpErrors } from "../error-mapping.js"
import { Accepted, TokenResponse, UserResponse } from "../identity-schemas.js"

export const toUserResponse = (user: User) =>
  new UserResponse({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    email_verified: Option.isSome(user.emailVerifiedAt),
    created_at: user.createdAt
  })

const toTokenResponse = (pair: TokenPair) =>
  new TokenResponse({
    access_token: pair.accessToken,
    refresh_token: pair.refreshToken,
    token_type: "bearer",
    expires_in: pair.expiresInSeconds
  })

const clientInfo = (request: HttpServerRequest.HttpServerRequest): ClientInfo => ({
  ip: request.remoteAddress,
  userAgent: Option.fromNullable(request.headers["user-agent"]).pipe(Option.map((ua) => ua.slice(0, 512)))
})

export const AuthHandlers = HttpApiBuilder.group(BrainOpsApi, "auth", (handlers) =>
  handlers
    .handle("register", ({ payload }) => register(payload).pipe(Effect.map(toUserResponse), httpErrors))
    .handle("login", ({ payload, request }) =>
      login({ email: payload.email, password: payload.password, client: clientInfo(request) }).pipe(
        Effect.map(toTokenResponse),
        httpErrors
      ))
    .handle("refresh", ({ payload }) => refresh(payload.refresh_token).pipe(Effect.map(toTokenResponse), httpErrors))
    .handle("logout", () => Effect.flatMap(CurrentActor, logout).pipe(httpErrors))
    .handle("me", () => Effect.flatMap(CurrentActor, currentUser).pipe(Effect.map(toUserResponse), httpErrors))
    .handle("verifyEmail", ({ payload }) => verifyEmail(payload.token).pipe(httpErrors))
    .handle("resendVerification", () =>
      Effect.flatMap(CurrentActor, resendVerification).pipe(
        Effect.as(new Accepted({ detail: "A new verification link is on its way" })),
        httpErrors
      )))
