/** The four hosts the double serves and the header rules of each. */
import type { IncomingMessage } from "node:http";
import { addonRoutes } from "./domain/addons";
import { appRoutes } from "./domain/apps";
import { blobRoutes, buildRoutes } from "./domain/builds";
import { configVarRoutes } from "./domain/config-vars";
import { dataRoutes } from "./domain/data";
import { domainRoutes } from "./domain/domains";
import { drainRoutes } from "./domain/drains";
import { dynoRoutes, logplexRoutes } from "./domain/dynos";
import { formationRoutes } from "./domain/formation";
import { pipelineRoutes } from "./domain/pipelines";
import { promotionRoutes } from "./domain/promotions";
import { releaseRoutes } from "./domain/releases";
import { backupBlobRoutes, transferRoutes } from "./domain/transfers";
import { schedulerRoutes } from "./domain/scheduler";
import { ApiError } from "./errors";
import { Router, type Reply } from "./http/router";
import { DATA_LINKS, PLATFORM_LINKS, SCHEDULER_LINKS } from "./links";
import type { AuthKind, HostSpec } from "./http/server";
import type { World } from "./state";

const HEROKU_MEDIA_TYPE = /application\/vnd\.heroku\+json;\s*version=3(\.[a-z-]+)?\b/i;
const JSONAPI_MEDIA_TYPE = "application/vnd.api+json";

function platformError(error: ApiError): Reply {
  return { status: error.status, json: { id: error.id, message: error.message } };
}

function jsonApiError(error: ApiError): Reply {
  return {
    status: error.status,
    contentType: JSONAPI_MEDIA_TYPE,
    json: { errors: [{ status: String(error.status), code: error.id, title: error.id.replace(/_/g, " "), detail: error.message }] },
  };
}

const UNAUTHORIZED = new ApiError(401, "unauthorized", "Invalid credentials provided.");

export function platformHost(world: World): HostSpec {
  const router = new Router();
  appRoutes(router);
  configVarRoutes(router);
  addonRoutes(router);
  buildRoutes(router);
  releaseRoutes(router);
  formationRoutes(router);
  dynoRoutes(router);
  domainRoutes(router);
  drainRoutes(router);
  pipelineRoutes(router);
  promotionRoutes(router);
  return {
    name: "platform",
    router,
    links: PLATFORM_LINKS,
    parseJson: true,
    renderError: platformError,
    responseHeaders: (requestId) => ({ "Request-Id": requestId, "RateLimit-Remaining": String(world.rateLimitRemaining()) }),
    guard: (req: IncomingMessage, auth: AuthKind) => {
      if (!HEROKU_MEDIA_TYPE.test(req.headers["accept"] ?? "")) {
        return platformError(
          new ApiError(406, "not_acceptable", "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`."),
        );
      }
      if (auth === "none" || auth === "invalid") return platformError(UNAUTHORIZED);
      const free = req.method === "GET" && (req.url ?? "").startsWith("/account/rate-limits");
      if (!free && !world.consumeRateLimit()) {
        return platformError(
          new ApiError(429, "rate_limit", "Your account reached the API rate limit\nPlease wait a few minutes before making new requests"),
        );
      }
      return null;
    },
  };
}

export function dataHost(): HostSpec {
  const router = new Router();
  dataRoutes(router);
  transferRoutes(router);
  return {
    name: "data",
    router,
    links: DATA_LINKS,
    parseJson: true,
    renderError: platformError,
    responseHeaders: (requestId) => ({ "Request-Id": requestId }),
    guard: (_req, auth) => (auth === "none" || auth === "invalid" ? platformError(UNAUTHORIZED) : null),
  };
}

export function schedulerHost(): HostSpec {
  const router = new Router();
  schedulerRoutes(router);
  return {
    name: "scheduler",
    router,
    links: SCHEDULER_LINKS,
    parseJson: true,
    renderError: jsonApiError,
    responseHeaders: (requestId) => ({ "Request-Id": requestId, "Content-Type": JSONAPI_MEDIA_TYPE }),
    guard: (req, auth) => {
      if (auth === "none" || auth === "invalid") return jsonApiError(UNAUTHORIZED);
      if (!(req.headers["accept"] ?? "").includes(JSONAPI_MEDIA_TYPE)) {
        return jsonApiError(new ApiError(406, "not_acceptable", `Send Accept: ${JSONAPI_MEDIA_TYPE}.`));
      }
      const hasBody = req.method === "POST" || req.method === "PATCH";
      if (hasBody && (req.headers["content-type"] ?? "").split(";")[0]?.trim() !== JSONAPI_MEDIA_TYPE) {
        return jsonApiError(new ApiError(415, "unsupported_media_type", `Send Content-Type: ${JSONAPI_MEDIA_TYPE}.`));
      }
      return null;
    },
  };
}

export function blobHost(): HostSpec {
  const router = new Router();
  blobRoutes(router);
  logplexRoutes(router);
  backupBlobRoutes(router);
  return {
    name: "blob",
    router,
    links: null,
    parseJson: false,
    renderError: (error) => ({ status: error.status, contentType: "application/xml", text: `<Error><Code>${error.id}</Code><Message>${error.message}</Message></Error>` }),
    responseHeaders: () => ({}),
    guard: () => null,
  };
}
