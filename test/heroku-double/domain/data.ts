/**
 * The data API host (api.data.heroku.com): Postgres credentials, database
 * info, PGBackups schedules, Redis config. Paths take an add-on name or UUID.
 */
import { invalidParams, notFound } from "../errors";
import { objectBody, optionalBoolean, requiredString } from "../http/body";
import { json, type Router } from "../http/router";
import type { AddonRecord, BackupScheduleRecord, PgCredentialRecord, RedisConfigRecord, World } from "../state";
import { isEssentialPlan } from "./addons";

export const CREDENTIAL_NAME_RE = /^[A-Za-z0-9_-]{1,50}$/;

export const MAXMEMORY_POLICIES: Readonly<Record<string, string>> = {
  noeviction: "return errors when memory limit is reached",
  "allkeys-lfu": "evict any key, least frequently used (LFU) first",
  "volatile-lfu": "evict keys with an expiration set, least frequently used (LFU) first",
  "allkeys-lru": "evict keys trying to remove the less recently used keys first",
  "volatile-lru": "evict keys with an expiration set, less recently used first",
  "allkeys-random": "evict random keys",
  "volatile-random": "evict random keys with an expiration set",
  "volatile-ttl": "evict keys with an expiration set and a short TTL first",
};

function dataAddon(world: World, idOrName: string, service: "heroku-postgresql" | "heroku-redis"): AddonRecord {
  const addon = world.findAddon(idOrName);
  if (!addon || addon.service !== service) throw notFound(`Couldn't find that ${service === "heroku-redis" ? "Redis" : "Postgres"} database.`);
  return addon;
}

function provisionedAddon(world: World, idOrName: string, service: "heroku-postgresql" | "heroku-redis"): AddonRecord {
  const addon = dataAddon(world, idOrName, service);
  if (addon.state !== "provisioned") throw invalidParams(`${addon.name} is not available yet (state: ${addon.state}).`);
  return addon;
}

function credentials(world: World, addon: AddonRecord): Map<string, PgCredentialRecord> {
  let map = world.pgCredentials.get(addon.id);
  if (!map) {
    map = new Map();
    world.pgCredentials.set(addon.id, map);
  }
  return map;
}

function findCredential(world: World, addon: AddonRecord, name: string): PgCredentialRecord {
  const credential = credentials(world, addon).get(name);
  if (!credential) throw notFound(`Couldn't find credential ${name}.`);
  return credential;
}

export function createCredential(world: World, addon: AddonRecord, name: string): PgCredentialRecord {
  if (isEssentialPlan(addon.plan)) throw invalidParams("You can't create a custom credential on Essential-tier databases.");
  if (!CREDENTIAL_NAME_RE.test(name)) throw invalidParams("Name may contain only letters, digits, - and _ (at most 50).");
  if (name === "default" || name === "owner" || credentials(world, addon).has(name)) throw invalidParams(`Credential ${name} already exists.`);
  const credential: PgCredentialRecord = {
    uuid: world.uuid(),
    addonId: addon.id,
    name,
    state: "provisioning",
    user: `${name.toLowerCase().replace(/[^a-z0-9_]/g, "_")}_${world.ids.hex(6)}`,
    password: `p${world.ids.hex(63)}`,
    previous: null,
    rotations: 0,
    createdAt: world.now(),
  };
  credentials(world, addon).set(name, credential);
  world.schedule(world.timing.credentialProvision, credential.uuid, `credential ${name}`, () => {
    if (credential.state === "provisioning") credential.state = "active";
  });
  return credential;
}

export function rotateCredential(world: World, credential: PgCredentialRecord): void {
  if (credential.state !== "active") throw invalidParams(`Credential ${credential.name} is ${credential.state}; only active credentials rotate.`);
  credential.previous = { user: credential.user, password: credential.password };
  credential.rotations++;
  if (credential.name !== "default") credential.user = `${credential.user.replace(/_r\d+$/, "")}_r${credential.rotations}`;
  credential.password = `p${world.ids.hex(63)}`;
  world.schedule(world.timing.credentialRotation, credential.uuid, `retire old password of ${credential.name}`, () => {
    credential.previous = null;
  });
}

export function destroyCredential(world: World, addon: AddonRecord, credential: PgCredentialRecord): void {
  if (credential.name === "default") throw invalidParams("You can't destroy the default credential.");
  const attached = world.addonAttachments(addon.id).filter((a) => a.namespace === `credential:${credential.name}`);
  if (attached.length > 0) {
    throw invalidParams(`Credential ${credential.name} is attached to ${attached.map((a) => a.name).join(", ")}; detach it first.`);
  }
  credential.state = "revoking";
  world.schedule(world.timing.credentialRevoke, credential.uuid, `revoke ${credential.name}`, () => {
    world.pgCredentials.get(addon.id)?.delete(credential.name);
  });
}

export function renderCredential(addon: AddonRecord, credential: PgCredentialRecord): Record<string, unknown> {
  const pairs = [{ user: credential.user, password: credential.password, state: credential.state === "provisioning" ? "provisioning" : credential.state === "revoking" ? "revoking" : "active", connections: 0 }];
  if (credential.previous) pairs.push({ ...credential.previous, state: "revoking", connections: 0 });
  return {
    uuid: credential.uuid,
    name: credential.name,
    state: credential.state,
    database: addon.resource.database,
    host: addon.resource.host,
    port: addon.resource.port,
    credentials: pairs,
  };
}

function renderRedisConfig(config: RedisConfigRecord): Record<string, unknown> {
  return {
    maxmemory_policy: {
      desc: "Sets the key eviction policy used when data exceeds your memory limit.",
      value: config.maxmemory_policy,
      default: "noeviction",
      values: MAXMEMORY_POLICIES,
    },
    notify_keyspace_events: {
      desc: "Set keyspace notifications.",
      value: config.notify_keyspace_events,
      default: "",
    },
    timeout: {
      desc: "Close idle connections after this many seconds (0 = never).",
      value: config.timeout,
      default: 300,
    },
  };
}

export function patchRedisConfig(config: RedisConfigRecord, patch: Readonly<Record<string, unknown>>): void {
  const next = { ...config };
  for (const [key, value] of Object.entries(patch)) {
    if (key === "maxmemory_policy") {
      if (typeof value !== "string" || !(value in MAXMEMORY_POLICIES)) {
        throw invalidParams(`maxmemory_policy must be one of ${Object.keys(MAXMEMORY_POLICIES).join(", ")}.`);
      }
      next.maxmemory_policy = value;
    } else if (key === "timeout") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw invalidParams("timeout must be a non-negative integer.");
      next.timeout = value;
    } else if (key === "notify_keyspace_events") {
      if (typeof value !== "string" || !/^[KEg$lshzxeAtmdn]*$/.test(value)) throw invalidParams("notify_keyspace_events is invalid.");
      next.notify_keyspace_events = value;
    } else {
      throw invalidParams(`Unknown setting ${key}.`);
    }
  }
  Object.assign(config, next);
}

function retention(plan: string): { weeks: number; months: number } {
  if (isEssentialPlan(plan)) return { weeks: 1, months: 0 };
  if (plan.startsWith("standard")) return { weeks: 4, months: 0 };
  return { weeks: 4, months: 12 };
}

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone);
  } catch {
    return false;
  }
}

export function upsertBackupSchedule(
  world: World,
  addon: AddonRecord,
  input: { hour: unknown; timezone: unknown; scheduleName: unknown },
): { schedule: BackupScheduleRecord; created: boolean } {
  if (typeof input.hour !== "string" || !/^\d{1,2}$/.test(input.hour) || Number(input.hour) > 23) {
    throw invalidParams('hour must be a string "00" to "23".');
  }
  if (typeof input.timezone !== "string" || !validTimezone(input.timezone)) throw invalidParams("timezone must be a full tz database name.");
  if (typeof input.scheduleName !== "string" || input.scheduleName === "") throw invalidParams("schedule_name is required.");
  const existing = [...world.backupSchedules.values()].find((s) => s.addonId === addon.id);
  const now = world.now();
  if (existing) {
    existing.hour = input.hour;
    existing.timezone = input.timezone;
    existing.name = input.scheduleName;
    existing.updatedAt = now;
    return { schedule: existing, created: false };
  }
  const { weeks, months } = retention(addon.plan);
  const schedule: BackupScheduleRecord = {
    uuid: world.uuid(),
    addonId: addon.id,
    name: input.scheduleName,
    hour: input.hour,
    timezone: input.timezone,
    retainWeeks: weeks,
    retainMonths: months,
    createdAt: now,
    updatedAt: now,
  };
  world.backupSchedules.set(schedule.uuid, schedule);
  return { schedule, created: true };
}

export function renderSchedule(schedule: BackupScheduleRecord): Record<string, unknown> {
  return {
    uuid: schedule.uuid,
    name: schedule.name,
    hour: Number(schedule.hour),
    timezone: schedule.timezone,
    days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    retain_weeks: schedule.retainWeeks,
    retain_months: schedule.retainMonths,
    created_at: schedule.createdAt,
    updated_at: schedule.updatedAt,
  };
}

function planLabel(plan: string): string {
  return plan.replace(/(^|-)([a-z])/g, (_, sep: string, c: string) => `${sep === "-" ? " " : ""}${c.toUpperCase()}`);
}

export function dataRoutes(router: Router): void {
  router
    .get("/postgres/v0/databases/:db/credentials", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      return json(200, [...credentials(ctx.world, addon).values()].map((c) => renderCredential(addon, c)));
    })
    .get("/postgres/v0/databases/:db/credentials/:name", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      return json(200, renderCredential(addon, findCredential(ctx.world, addon, ctx.params["name"] ?? "")));
    })
    .post("/postgres/v0/databases/:db/credentials", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      const credential = createCredential(ctx.world, addon, requiredString(objectBody(ctx), "name"));
      return json(201, renderCredential(addon, credential));
    })
    .delete("/postgres/v0/databases/:db/credentials/:name", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      const credential = findCredential(ctx.world, addon, ctx.params["name"] ?? "");
      destroyCredential(ctx.world, addon, credential);
      return json(200, renderCredential(addon, credential));
    })
    .post("/postgres/v0/databases/:db/credentials/:name/credentials_rotation", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      optionalBoolean(objectBody(ctx), "forced");
      const credential = findCredential(ctx.world, addon, ctx.params["name"] ?? "");
      rotateCredential(ctx.world, credential);
      return json(200, renderCredential(addon, credential));
    })
    .post("/postgres/v0/databases/:db/credentials_rotation", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      const all = [...credentials(ctx.world, addon).values()].filter((c) => c.state === "active");
      for (const credential of all) rotateCredential(ctx.world, credential);
      return json(200, all.map((c) => renderCredential(addon, c)));
    })
    .get("/client/v11/databases/:db", (ctx) => {
      const addon = dataAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      return json(200, {
        addon_id: addon.id,
        name: addon.name,
        plan: addon.plan,
        num_connections: 0,
        num_connections_waiting: 0,
        num_bytes: 8_000_000,
        num_tables: 0,
        postgres_version: addon.config["version"] ?? "17.4",
        info: [
          { name: "Plan", values: [planLabel(addon.plan)] },
          { name: "Status", values: [addon.state === "provisioned" ? "Available" : "Creating"] },
          { name: "Connections", values: [`0/${isEssentialPlan(addon.plan) ? 20 : 120}`] },
        ],
      });
    })
    .get("/client/v11/databases/:db/wait_status", (ctx) => {
      const addon = dataAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      const waiting = addon.state !== "provisioned";
      return json(200, { "waiting?": waiting, message: waiting ? "Provisioning" : "Available" });
    })
    .get("/client/v11/databases/:db/transfer-schedules", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      return json(200, [...ctx.world.backupSchedules.values()].filter((s) => s.addonId === addon.id).map(renderSchedule));
    })
    .post("/client/v11/databases/:db/transfer-schedules", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      const body = objectBody(ctx);
      const { schedule, created } = upsertBackupSchedule(ctx.world, addon, {
        hour: body["hour"],
        timezone: body["timezone"],
        scheduleName: body["schedule_name"],
      });
      return json(created ? 201 : 200, renderSchedule(schedule));
    })
    .delete("/client/v11/databases/:db/transfer-schedules/:schedule", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-postgresql");
      const schedule = ctx.world.backupSchedules.get(ctx.params["schedule"] ?? "");
      if (!schedule || schedule.addonId !== addon.id) throw notFound("Couldn't find that schedule.");
      ctx.world.backupSchedules.delete(schedule.uuid);
      return json(200, renderSchedule(schedule));
    })
    .get("/redis/v0/databases/:db", (ctx) => {
      const addon = dataAddon(ctx.world, ctx.params["db"] ?? "", "heroku-redis");
      return json(200, {
        name: addon.name,
        plan: addon.plan,
        resource_url: `rediss://${addon.resource.host}:${addon.resource.port}`,
        info: [
          { name: "Plan", values: [planLabel(addon.plan)] },
          { name: "Status", values: [addon.state === "provisioned" ? "available" : "creating"] },
        ],
      });
    })
    .get("/redis/v0/databases/:db/config", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-redis");
      const config = ctx.world.redisConfigs.get(addon.id);
      if (!config) throw notFound("Couldn't find that Redis database.");
      return json(200, renderRedisConfig(config));
    })
    .patch("/redis/v0/databases/:db/config", (ctx) => {
      const addon = provisionedAddon(ctx.world, ctx.params["db"] ?? "", "heroku-redis");
      const config = ctx.world.redisConfigs.get(addon.id);
      if (!config) throw notFound("Couldn't find that Redis database.");
      patchRedisConfig(config, objectBody(ctx));
      return json(200, renderRedisConfig(config));
    });
}
