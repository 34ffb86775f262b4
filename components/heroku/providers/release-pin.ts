/**
 * Running an earlier release's slug again, the way `heroku releases:rollback`
 * goes back, but with the config vars of today: `POST /apps/{app}/releases`
 * with `slug` (the rollback link, `{release}`, would also restore that
 * release's config vars, undoing secrets fleet rotated since and fighting
 * fleet's ConfigVars at the next `up`).
 *
 * The slug is only ever read from a release of the same app, and that
 * release must have succeeded: Heroku would also release another app's slug
 * (copying slugs between apps is a documented use), so fleet checks it. A
 * release promoted from staging runs staging's slug; pinning it releases
 * that slug again, as the promotion did. The new release runs the release
 * phase, which is waited for as a build's is.
 */
import { z } from "zod";
import { seg, type HerokuClient } from "../client";
import { releaseSchema } from "../schemas";
import { waitForRelease } from "./release-wait";

/** How far back a lost release answer is looked for (clocks of this machine and Heroku's may differ). */
const CLOCK_SKEW_MS = 2 * 60_000;

const releaseDetail = () =>
  releaseSchema().extend({
    app: z
      .object({ id: z.string() })
      .nullish()
      .transform((v) => v ?? undefined),
    description: z
      .string()
      .nullish()
      .transform((v) => v ?? undefined),
    created_at: z
      .string()
      .nullish()
      .transform((v) => v ?? undefined),
  });
type ReleaseDetail = z.infer<ReturnType<typeof releaseDetail>>;

/** What a pin released. */
export interface PinnedRelease {
  /** The release whose slug runs again. */
  readonly version: number;
  readonly slugId: string;
  /** The release that runs it now (new, unless it already ran). */
  readonly running: RunningRelease;
}

/** A release that runs a slug. */
export interface RunningRelease {
  readonly id: string;
  readonly version: number;
}

/** Releases the slug of release `version` of the app again; nothing new when it already runs. */
export async function pinRelease(api: HerokuClient, appId: string, appLabel: string, version: number): Promise<PinnedRelease> {
  const target = await api.find(`/apps/${seg(appId)}/releases/${version}`, releaseDetail());
  const fix = `\`heroku releases -a ${appLabel}\` lists its releases; pin one that succeeded, or remove the pin.`;
  if (!target) throw new Error(`app ${appLabel} has no release v${version}: ${fix}`);
  if (target.app !== undefined && target.app.id !== appId) throw new Error(`release v${version} belongs to another app than ${appLabel}: ${fix}`);
  if (target.status !== "succeeded") {
    const why = { expired: "has expired: its slug is gone", failed: "failed in its release phase, so it never ran", pending: "is still in its release phase" }[target.status];
    throw new Error(`release v${version} of app ${appLabel} ${why}: ${fix}`);
  }
  if (!target.slug) throw new Error(`release v${version} of app ${appLabel} has no slug (it came before the first build): ${fix}`);
  const running = await releaseSlug(api, appId, appLabel, target.slug.id, `Rollback to v${version} (pinned by fleet)`, "the pinned slug was released but");
  return { version, slugId: target.slug.id, running };
}

/**
 * Makes `slugId` the running slug with a new release (and waits for its
 * release phase); returns the running release. Nothing is sent when the
 * current release already runs it.
 */
export async function releaseSlug(api: HerokuClient, appId: string, appLabel: string, slugId: string, description: string, madeBy: string): Promise<RunningRelease> {
  const current = await currentRelease(api, appId);
  if (current?.slug?.id === slugId) {
    api.log.info(`app ${appLabel} already runs slug ${slugId.slice(0, 8)} (v${current.version}); no new release`);
    return { id: current.id, version: current.version };
  }
  const sentAt = Date.now();
  const release = await api.request("POST", `/apps/${seg(appId)}/releases`, {
    body: { slug: slugId, description },
    schema: releaseDetail(),
    // A lost answer: the release we made carries this slug and description, and is newer than the request.
    recover: async () =>
      (await recentReleases(api, appId)).find(
        (r) => r.slug?.id === slugId && r.description === description && Date.parse(r.created_at ?? "") >= sentAt - CLOCK_SKEW_MS,
      ),
    hint: `Check \`heroku releases -a ${appLabel}\` before running \`pulumi up\` again.`,
  });
  api.log.info(`released slug ${slugId.slice(0, 8)} on app ${appLabel} as v${release.version}: ${description}`);
  const done = await waitForRelease(api, appId, release.id, madeBy);
  return { id: done.id, version: done.version };
}

/** The release the app runs now (Heroku marks it `current`), if any. */
export async function currentRelease(api: HerokuClient, appId: string): Promise<ReleaseDetail | undefined> {
  return (await recentReleases(api, appId)).find((r) => r.current === true);
}

async function recentReleases(api: HerokuClient, appId: string): Promise<ReleaseDetail[]> {
  return api.request("GET", `/apps/${seg(appId)}/releases`, { schema: z.array(releaseDetail()), range: "version ..; max=20, order=desc" });
}
