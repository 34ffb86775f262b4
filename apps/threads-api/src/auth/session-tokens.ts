/**
 * Our own tokens, all HS256 JWTs: the short-lived access token, the rotating
 * refresh token (one row per token in refresh_tokens; the JWT carries its id
 * and family) and the OAuth state of a sign-in in progress. Access and state
 * tokens share the access key ring; refresh tokens have their own.
 */
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { z } from "zod";
import { KeyRing } from "./key-ring.js";

const ISSUER = "threads-api";

/** Why a presented token was refused. */
export class InvalidToken extends Error {
  constructor(readonly reason: "expired" | "invalid") {
    super(`token ${reason}`);
    this.name = "InvalidToken";
  }
}

export interface SessionTokenSettings {
  readonly JWT_ACCESS_SECRET: string;
  readonly JWT_ACCESS_SECRET_PREVIOUS?: string | undefined;
  readonly JWT_REFRESH_SECRET: string;
  readonly JWT_REFRESH_SECRET_PREVIOUS?: string | undefined;
  readonly JWT_ACCESS_TTL_SECONDS: number;
  readonly JWT_REFRESH_TTL_SECONDS: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface RefreshClaims {
  readonly userId: string;
  readonly tokenId: string;
  readonly familyId: string;
}

export interface AccessClaims {
  readonly userId: string;
  /** The sign-in (refresh family) the token was issued for. */
  readonly familyId?: string | undefined;
}

export interface OAuthState {
  readonly state: string;
  readonly returnTo: string;
}

// `fam`: the refresh family (the sign-in) the token belongs to. Tokens issued before it existed
// carry none and live out their short TTL.
const accessClaims = z.object({ sub: z.string().uuid(), typ: z.literal("access"), fam: z.string().uuid().optional() });
const refreshClaims = z.object({ sub: z.string().uuid(), typ: z.literal("refresh"), jti: z.string().uuid(), fam: z.string().uuid() });
const stateClaims = z.object({ typ: z.literal("oauth_state"), state: z.string().min(16), ret: z.string() });

/** How long a sign-in may take between /login and /callback. */
export const OAUTH_STATE_TTL_SECONDS = 600;

export class SessionTokens {
  readonly #access: KeyRing;
  readonly #refresh: KeyRing;
  readonly #settings: SessionTokenSettings;
  readonly #now: () => Date;

  constructor(settings: SessionTokenSettings, now: () => Date = () => new Date()) {
    this.#settings = settings;
    this.#access = new KeyRing({ current: settings.JWT_ACCESS_SECRET, previous: settings.JWT_ACCESS_SECRET_PREVIOUS });
    this.#refresh = new KeyRing({ current: settings.JWT_REFRESH_SECRET, previous: settings.JWT_REFRESH_SECRET_PREVIOUS });
    this.#now = now;
  }

  get accessTtlSeconds(): number {
    return this.#settings.JWT_ACCESS_TTL_SECONDS;
  }

  get refreshTtlSeconds(): number {
    return this.#settings.JWT_REFRESH_TTL_SECONDS;
  }

  signAccess(userId: string, familyId: string): Promise<IssuedToken> {
    return this.#sign(this.#access, { typ: "access", fam: familyId }, userId, this.#settings.JWT_ACCESS_TTL_SECONDS);
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const payload = await this.#verify(this.#access, token, accessClaims);
    return { userId: payload.sub, familyId: payload.fam };
  }

  signRefresh(claims: RefreshClaims): Promise<IssuedToken> {
    return this.#sign(this.#refresh, { typ: "refresh", fam: claims.familyId, jti: claims.tokenId }, claims.userId, this.#settings.JWT_REFRESH_TTL_SECONDS);
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const payload = await this.#verify(this.#refresh, token, refreshClaims);
    return { userId: payload.sub, tokenId: payload.jti, familyId: payload.fam };
  }

  signState(state: OAuthState): Promise<IssuedToken> {
    return this.#sign(this.#access, { typ: "oauth_state", state: state.state, ret: state.returnTo }, undefined, OAUTH_STATE_TTL_SECONDS);
  }

  async verifyState(token: string): Promise<OAuthState> {
    const payload = await this.#verify(this.#access, token, stateClaims);
    return { state: payload.state, returnTo: payload.ret };
  }

  async #sign(ring: KeyRing, claims: JWTPayload, subject: string | undefined, ttlSeconds: number): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.#now().getTime() / 1000);
    const expiresAt = issuedAt + ttlSeconds;
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: ring.signingKid }).setIssuer(ISSUER).setIssuedAt(issuedAt).setExpirationTime(expiresAt);
    if (subject !== undefined) jwt.setSubject(subject);
    return { token: await jwt.sign(ring.signingKey), expiresAt: new Date(expiresAt * 1000) };
  }

  async #verify<T extends z.ZodType>(ring: KeyRing, token: string, schema: T): Promise<z.output<T>> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, ring.resolve, { issuer: ISSUER, algorithms: ["HS256"], currentDate: this.#now() }));
    } catch (error) {
      throw new InvalidToken(error instanceof errors.JWTExpired ? "expired" : "invalid");
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw new InvalidToken("invalid");
    return parsed.data;
  }
}
