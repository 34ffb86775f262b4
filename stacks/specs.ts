/**
 * Every application of the fleet: the spec each one keeps in apps/<name>/deploy.ts.
 */
import type { AppSpec } from "./app-spec";
import euterpe from "../apps/euterpe/deploy";
import shopSentiment from "../apps/shop-sentiment/deploy";
import steamReviews from "../apps/steam-reviews/deploy";
import threadsApi from "../apps/threads-api/deploy";
import threadsWeb from "../apps/threads-web/deploy";
import zoomerBot from "../apps/zoomer-bot/deploy";

export const APP_SPECS: readonly AppSpec[] = [steamReviews, shopSentiment, euterpe, threadsApi, threadsWeb, zoomerBot];
