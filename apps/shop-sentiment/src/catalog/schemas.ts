/**
 * The API's shapes, as zod schemas: request bodies and queries are validated
 * with them, responses serialized through them, and the OpenAPI document is
 * generated from them. Schemas with an `id` become named OpenAPI components.
 */
import { z } from "zod";
import { SENTIMENT_LABELS } from "../sentiment.js";

export const MAX_PER_PAGE = 100;
const MAX_PAGE = 10_000;

const timestamp = z.iso.datetime().describe("ISO 8601, UTC");

export const Sentiment = z
  .object({
    score: z.number().min(-1).max(1).describe("-1 (very negative) to 1 (very positive)"),
    label: z.enum(SENTIMENT_LABELS),
  })
  .meta({ id: "Sentiment" });
export type Sentiment = z.infer<typeof Sentiment>;

export const SentimentSummary = z
  .object({
    average: z.number().min(-1).max(1).nullable().describe("Mean score of the product's reviews; null without reviews"),
    positive: z.number().int().min(0),
    neutral: z.number().int().min(0),
    negative: z.number().int().min(0),
  })
  .meta({ id: "SentimentSummary" });
export type SentimentSummary = z.infer<typeof SentimentSummary>;

export const Product = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    category: z.string().nullable(),
    price_cents: z.number().int().min(0).nullable(),
    review_count: z.number().int().min(0),
    average_rating: z.number().min(1).max(5).nullable().describe("Mean star rating; null without reviews"),
    sentiment: SentimentSummary,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Product" });
export type Product = z.infer<typeof Product>;

export const Review = z
  .object({
    id: z.uuid(),
    product_id: z.uuid(),
    author: z.string(),
    rating: z.number().int().min(1).max(5),
    text: z.string(),
    sentiment: Sentiment,
    created_at: timestamp,
  })
  .meta({ id: "Review" });
export type Review = z.infer<typeof Review>;

const name = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
const description = z.string().trim().max(5000, "must be at most 5000 characters");
const category = z.string().trim().min(1, "must not be empty (send null for none)").max(100, "must be at most 100 characters").nullable();
const priceCents = z.number().int("must be a whole number of cents").min(0, "must not be negative").max(100_000_000).nullable();

export const ProductCreate = z
  .strictObject({
    name,
    description: description.default(""),
    category: category.default(null),
    price_cents: priceCents.default(null),
  })
  .meta({ id: "ProductCreate" });
export type ProductCreate = z.infer<typeof ProductCreate>;

export const ProductUpdate = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    category: category.optional(),
    price_cents: priceCents.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, "must change at least one of name, description, category, price_cents")
  .meta({ id: "ProductUpdate" });
export type ProductUpdate = z.infer<typeof ProductUpdate>;

export const ReviewCreate = z
  .strictObject({
    author: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters").default("Anonymous"),
    rating: z.number().int("must be a whole number").min(1, "must be 1 to 5").max(5, "must be 1 to 5"),
    text: z.string().trim().min(1, "must not be empty").max(5000, "must be at most 5000 characters"),
  })
  .meta({ id: "ReviewCreate" });
export type ReviewCreate = z.infer<typeof ReviewCreate>;

export const PRODUCT_SORTS = [
  "-created_at",
  "created_at",
  "name",
  "-name",
  "-sentiment",
  "sentiment",
  "-review_count",
  "review_count",
  "-average_rating",
  "average_rating",
  "price_cents",
  "-price_cents",
] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export const REVIEW_SORTS = ["newest", "oldest", "most_positive", "most_negative"] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];

/** Query values arrive as strings; a blank one counts as not given. */
const optionalText = (max: number) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().trim().max(max, `must be at most ${max} characters`).optional());

const paging = {
  page: z.coerce.number().int("must be a whole number").min(1, "must be 1 or more").max(MAX_PAGE).default(1),
  per_page: z.coerce.number().int("must be a whole number").min(1, "must be 1 or more").max(MAX_PER_PAGE, `must be at most ${MAX_PER_PAGE}`).default(20),
};

export const ProductListQuery = z.object({
  q: optionalText(200).describe("Words to find in the name or description"),
  category: optionalText(100).describe("Only products of this category"),
  sort: z.enum(PRODUCT_SORTS).default("-created_at").describe("Field to sort by; a leading - sorts descending"),
  ...paging,
});
export type ProductListQuery = z.infer<typeof ProductListQuery>;

export const ReviewListQuery = z.object({
  sort: z.enum(REVIEW_SORTS).default("newest"),
  ...paging,
});
export type ReviewListQuery = z.infer<typeof ReviewListQuery>;

export interface Page<T> {
  readonly items: T[];
  readonly page: number;
  readonly per_page: number;
  readonly total: number;
  readonly total_pages: number;
}

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    page: z.number().int().min(1),
    per_page: z.number().int().min(1),
    total: z.number().int().min(0),
    total_pages: z.number().int().min(0),
  });

export const ProductPage = pageOf(Product).meta({ id: "ProductPage" });
export const ReviewPage = pageOf(Review).meta({ id: "ReviewPage" });

export const ProductParams = z.object({ productId: z.uuid("must be a product id (a UUID)") });
export const ReviewParams = ProductParams.extend({ reviewId: z.uuid("must be a review id (a UUID)") });

export const ErrorBody = z
  .object({
    error: z.string().describe("Stable machine-readable code"),
    message: z.string().describe("What went wrong and what to do about it"),
  })
  .meta({ id: "Error" });

export function pageFrom<T>(items: T[], query: { readonly page: number; readonly per_page: number }, total: number): Page<T> {
  return { items, page: query.page, per_page: query.per_page, total, total_pages: Math.ceil(total / query.per_page) };
}
