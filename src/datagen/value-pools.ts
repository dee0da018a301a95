import { faker } from '@faker-js/faker/locale/en';
import { quoteCsvField } from '../csv/index.js';

/** A product and the one category it belongs to (so Product-inCategory is a function). */
export interface ProductEntry {
  /** CSV-ready (already quoted when needed). */
  name: string;
  category: string;
  /** URL path segment. */
  slug: string;
}

/** A city and the one country it lies in (so City-inCountry is a function). */
export interface CityEntry {
  city: string;
  country: string;
}

/**
 * Faker values drawn once per run; rows pick from these with a fast PRNG. Every string that may
 * land in a CSV cell is stored already quoted (RFC 4180 minimal quoting), so row assembly is
 * plain concatenation.
 */
export interface ValuePools {
  /** Lower-case ASCII letters only: they build user names and e-mail addresses. */
  firstNames: string[];
  lastNames: string[];
  /** Free of commas, quotes and line breaks. */
  streetNames: string[];
  /** "Apt. 123", "Suite 456": appended after a comma, which makes the address a quoted field. */
  secondaryAddresses: string[];
  cities: CityEntry[];
  products: ProductEntry[];
  emailDomains: string[];
  /** The brand's web domains: clickstream `domain_name`. */
  brandDomains: string[];
  /** Paths on the brand's sites: clickstream `canonical_url` is `https://<domain><path>`. */
  urlPaths: string[];
  /** Desktop and mobile browser user agents (CSV-ready: most contain a comma). */
  webUserAgents: string[];
  /** The brand's mobile apps by platform. */
  appIds: { ios: string; android: string };
}

/**
 * Pool sizes: enough variety for a demo graph, small enough that drawing them with faker (the
 * slow part of a cold start) stays a small share of a 10,000-record run.
 */
const POOL_SIZES = {
  firstNames: 200,
  lastNames: 200,
  streetNames: 200,
  secondaryAddresses: 40,
  cities: 200,
  countries: 40,
  products: 200,
  emailDomains: 6,
  brandDomains: 3,
  webUserAgents: 80,
};

/** Free-mail providers most addresses use; a few faker domains add variety. */
const COMMON_EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com'];

const STATIC_PATHS = ['/', '/cart', '/checkout', '/account', '/account/orders', '/search', '/deals', '/help'];

function toAsciiLetters(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function toSlug(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Drops values holding a comma, quote or line break ('' is skipped by drawDistinct). */
function withoutCsvSpecials(text: string): string {
  return /[",\r\n]/.test(text) ? '' : text;
}

/**
 * Longest pool value kept: bounds a row's size, which the file writer relies on (a row must fit
 * in the room its flush margin leaves).
 */
export const MAX_POOL_VALUE_CHARS = 256;

/** Calls `make` until `size` distinct non-empty values of bounded length are found (or attempts run out). */
function drawDistinct(size: number, make: () => string): string[] {
  const seen = new Set<string>();
  for (let attempt = 0; seen.size < size && attempt < size * 20; attempt++) {
    const value = make();
    if (value !== '' && value.length <= MAX_POOL_VALUE_CHARS) seen.add(value);
  }
  return [...seen];
}

/** A faker definition as one flat list (some are arrays, some are arrays by gender or kind). */
function flattenDefinition(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(flattenDefinition);
  return [];
}

/** `size` distinct, non-empty, bounded values picked from `values` with the seeded faker. */
function sampleDistinct(size: number, values: string[]): string[] {
  const candidates = [...new Set(values.filter((v) => v !== '' && v.length <= MAX_POOL_VALUE_CHARS))];
  return faker.helpers.arrayElements(candidates, Math.min(size, candidates.length));
}

/**
 * Builds the value pools from a faker seeded with `seed`: the same seed gives the same pools.
 * faker here is the shared English instance; it is re-seeded on every call and used
 * synchronously, so other users of faker cannot interleave.
 */
export function buildValuePools(seed: number): ValuePools {
  faker.seed(seed);
  // Names, countries and cities straight from faker's English word lists (one seeded sample
  // each): a few hundred faker.person.firstName() calls cost more than the rest of a small run.
  const definitions = faker.definitions;
  const firstNames = sampleDistinct(POOL_SIZES.firstNames, flattenDefinition(definitions.person.first_name).map(toAsciiLetters));
  const lastNames = sampleDistinct(POOL_SIZES.lastNames, flattenDefinition(definitions.person.last_name).map(toAsciiLetters));
  // Addresses are assembled per row without a quoting check: keep CSV specials out of their parts.
  const streetNames = drawDistinct(POOL_SIZES.streetNames, () => withoutCsvSpecials(faker.location.street()));
  const secondaryAddresses = drawDistinct(POOL_SIZES.secondaryAddresses, () =>
    withoutCsvSpecials(faker.location.secondaryAddress()),
  );
  const countries = sampleDistinct(POOL_SIZES.countries, flattenDefinition(definitions.location.country));
  const cities = sampleDistinct(POOL_SIZES.cities, flattenDefinition(definitions.location.city_name)).map((city) => ({
    city: quoteCsvField(city),
    country: quoteCsvField(faker.helpers.arrayElement(countries)),
  }));
  // faker.commerce.productName() is "<adjective> <material> <product>"; drawing the words
  // directly is the same value at a fraction of the cost.
  const productWords = definitions.commerce.product_name;
  const adjectives = flattenDefinition(productWords.adjective);
  const materials = flattenDefinition(productWords.material);
  const productNouns = flattenDefinition(productWords.product);
  const makeProductName = () =>
    `${faker.helpers.arrayElement(adjectives)} ${faker.helpers.arrayElement(materials)} ${faker.helpers.arrayElement(productNouns)}`;
  const products = drawDistinct(POOL_SIZES.products, makeProductName).map((name) => ({
    name: quoteCsvField(name),
    category: quoteCsvField(faker.commerce.department()),
    slug: toSlug(name),
  }));
  const emailDomains = [
    ...COMMON_EMAIL_DOMAINS,
    ...drawDistinct(POOL_SIZES.emailDomains, () => faker.internet.domainName()),
  ];
  const brandDomains = drawDistinct(POOL_SIZES.brandDomains, () => faker.internet.domainName());
  const categorySlugs = [...new Set(products.map((p) => toSlug(p.category.replaceAll('"', ''))))];
  const urlPaths = [
    ...STATIC_PATHS,
    ...categorySlugs.map((slug) => `/category/${slug}`),
    ...products.map((p) => `/products/${p.slug}`),
  ];
  const webUserAgents = drawDistinct(POOL_SIZES.webUserAgents, () => faker.internet.userAgent()).map((ua) =>
    quoteCsvField(ua),
  );
  const brand = toSlug(faker.company.name()).replaceAll('-', '') || 'shop';
  return {
    firstNames,
    lastNames,
    streetNames,
    secondaryAddresses,
    cities,
    products,
    emailDomains,
    brandDomains,
    urlPaths,
    webUserAgents,
    appIds: { ios: `com.${brand}.shop.ios`, android: `com.${brand}.shop` },
  };
}
