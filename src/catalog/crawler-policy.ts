import { join } from 'node:path';
import { InvalidInputError, kitMessage } from '../errors.js';
import { TEMPLATES_DIR } from '../infra/kit-stacks.js';
import { readTemplate } from '../infra/parse-template.js';
import type { ParsedTemplate } from '../infra/template-types.js';
import type { GlueTable } from './catalog-types.js';

const NAME = 'crawler';

/** The Glue stack, whose crawlers' settings the local crawler follows. */
export const GLUE_TEMPLATE_FILE = join(TEMPLATES_DIR, 'glue.yaml');

/** Logical ids of the two crawlers in glue.yaml: initial datasets, and incremental batches. */
export const CRAWLER_RESOURCES = { initial: 'Crawler', incremental: 'IncrementalCrawler' } as const;
export type CrawlerRole = keyof typeof CRAWLER_RESOURCES;

const UPDATE_BEHAVIORS = ['LOG', 'UPDATE_IN_DATABASE'] as const;
const DELETE_BEHAVIORS = ['LOG', 'DELETE_FROM_DATABASE', 'DEPRECATE_IN_DATABASE'] as const;
const RECRAWL_BEHAVIORS = ['CRAWL_EVERYTHING', 'CRAWL_NEW_FOLDERS_ONLY', 'CRAWL_EVENT_MODE'] as const;

/**
 * What a crawler does to tables that already exist, as set on an `AWS::Glue::Crawler`
 * (https://docs.aws.amazon.com/glue/latest/dg/crawler-schema-changes-prevent.html):
 * `SchemaChangePolicy.UpdateBehavior` LOG leaves an existing table as it is and only logs the
 * change; UPDATE_IN_DATABASE rewrites it, unless `Configuration` says
 * `CrawlerOutput.Tables.AddOrUpdateBehavior: MergeNewColumns`, which only adds new columns.
 * New tables are created whatever the policy.
 */
export interface CrawlerSchemaPolicy {
  updateBehavior: (typeof UPDATE_BEHAVIORS)[number];
  /** UPDATE_IN_DATABASE adds new columns only, never changes or drops existing ones. */
  mergeNewColumns: boolean;
  /** What happens to a table whose folder is gone. */
  deleteBehavior: (typeof DELETE_BEHAVIORS)[number];
  /** `RecrawlPolicy.RecrawlBehavior` (CloudFormation's default: CRAWL_EVERYTHING). */
  recrawlBehavior: (typeof RECRAWL_BEHAVIORS)[number];
  /**
   * New partitions take the table's schema (`CrawlerOutput.Partitions.AddOrUpdateBehavior:
   * InheritFromTable`), so a fixed incremental table's new batches read with the fixed columns.
   * The local catalog keeps no partition objects (a table's Location covers every batch folder),
   * so there every batch is read with the table's schema anyway.
   */
  partitionsInheritFromTable: boolean;
}

/** The policies of the Glue stack's two crawlers, and the template they were read from. */
export interface CrawlerPolicies {
  file: string;
  initial: CrawlerSchemaPolicy;
  incremental: CrawlerSchemaPolicy;
}

/**
 * Reads the schema policies of the Glue stack's two crawlers, so the local crawler does what the
 * deployed crawlers do. A value it does not know, or a setting the local crawler cannot follow,
 * is an InvalidInputError naming the file, line and property.
 */
export function readCrawlerPolicies(file = GLUE_TEMPLATE_FILE): CrawlerPolicies {
  const parsed = readTemplate(file);
  return { file, initial: readCrawlerPolicy(parsed, CRAWLER_RESOURCES.initial), incremental: readCrawlerPolicy(parsed, CRAWLER_RESOURCES.incremental) };
}

export function readCrawlerPolicy(parsed: ParsedTemplate, resourceId: string): CrawlerSchemaPolicy {
  const resource = parsed.template.Resources[resourceId];
  const base = `Resources.${resourceId}`;
  const fail = (path: string, message: string): never => {
    const line = parsed.lineOf(path) ?? parsed.lineOf(base);
    throw new InvalidInputError(kitMessage(NAME, `${parsed.file}${line ? `:${line}` : ''}: ${path}: ${message}`));
  };
  if (!resource || resource.Type !== 'AWS::Glue::Crawler') fail(base, 'no AWS::Glue::Crawler of that name');
  const properties = resource!.Properties ?? {};
  const pick = <T extends string>(path: string, value: unknown, allowed: readonly T[], fallback: T): T => {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      fail(path, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
    }
    return value as T;
  };
  const schemaPath = `${base}.Properties.SchemaChangePolicy`;
  const schema = (properties.SchemaChangePolicy ?? {}) as Record<string, unknown>;
  const recrawl = (properties.RecrawlPolicy ?? {}) as Record<string, unknown>;
  const configurationPath = `${base}.Properties.Configuration`;
  let configuration: Record<string, any> = {};
  if (properties.Configuration !== undefined) {
    if (typeof properties.Configuration !== 'string') fail(configurationPath, 'must be a JSON string');
    try {
      configuration = JSON.parse(properties.Configuration as string) as Record<string, any>;
    } catch (cause) {
      fail(configurationPath, `is not valid JSON (${(cause as Error).message})`);
    }
  }
  const tablesBehavior = configuration.CrawlerOutput?.Tables?.AddOrUpdateBehavior;
  const partitionsBehavior = configuration.CrawlerOutput?.Partitions?.AddOrUpdateBehavior;
  if (tablesBehavior !== undefined && tablesBehavior !== 'MergeNewColumns') {
    fail(configurationPath, `CrawlerOutput.Tables.AddOrUpdateBehavior ${JSON.stringify(tablesBehavior)} is not MergeNewColumns`);
  }
  if (partitionsBehavior !== undefined && partitionsBehavior !== 'InheritFromTable') {
    fail(configurationPath, `CrawlerOutput.Partitions.AddOrUpdateBehavior ${JSON.stringify(partitionsBehavior)} is not InheritFromTable`);
  }
  const policy: CrawlerSchemaPolicy = {
    // CloudFormation's defaults when a property is left out.
    updateBehavior: pick(`${schemaPath}.UpdateBehavior`, schema.UpdateBehavior, UPDATE_BEHAVIORS, 'UPDATE_IN_DATABASE'),
    mergeNewColumns: tablesBehavior === 'MergeNewColumns',
    deleteBehavior: pick(`${schemaPath}.DeleteBehavior`, schema.DeleteBehavior, DELETE_BEHAVIORS, 'DEPRECATE_IN_DATABASE'),
    recrawlBehavior: pick(`${base}.Properties.RecrawlPolicy.RecrawlBehavior`, recrawl.RecrawlBehavior, RECRAWL_BEHAVIORS, 'CRAWL_EVERYTHING'),
    partitionsInheritFromTable: partitionsBehavior === 'InheritFromTable',
  };
  // The local crawler reads every object on every crawl and never removes a table: it can follow
  // only these two settings, so the template may not say anything else without the crawler knowing.
  if (policy.recrawlBehavior !== 'CRAWL_EVERYTHING') {
    fail(`${base}.Properties.RecrawlPolicy.RecrawlBehavior`, `${policy.recrawlBehavior}: the local crawler follows only CRAWL_EVERYTHING`);
  }
  if (policy.deleteBehavior !== 'LOG') {
    fail(`${schemaPath}.DeleteBehavior`, `${policy.deleteBehavior}: the local crawler follows only LOG (a table whose folder is gone is kept)`);
  }
  return policy;
}

/** What the crawl did to one table. */
export interface TableCrawlOutcome {
  /** The table as the catalog holds it after the crawl. */
  table: GlueTable;
  /** created, replaced (UPDATE_IN_DATABASE), merged (MergeNewColumns), kept (LOG or no change). */
  action: 'created' | 'replaced' | 'merged' | 'kept';
  /** What the crawler found different and did not write (LOG), as a Glue crawler logs it. */
  logged?: string;
}

/**
 * Applies a crawler's schema policy to one crawled table: what to store given the table that
 * exists (if any). Pure: the caller writes `table` unless the action is `kept`.
 */
export function applyCrawlerPolicy(crawled: GlueTable, existing: GlueTable | undefined, policy: CrawlerSchemaPolicy): TableCrawlOutcome {
  if (!existing) return { table: crawled, action: 'created' };
  const before = existing.StorageDescriptor?.Columns ?? [];
  const after = crawled.StorageDescriptor.Columns;
  const differs = describeColumnChange(before, after);
  if (policy.updateBehavior === 'LOG') {
    return { table: existing, action: 'kept', ...(differs ? { logged: `${existing.Name}: ${differs}; table left as it is (UpdateBehavior LOG)` } : {}) };
  }
  if (policy.mergeNewColumns) {
    const names = new Set(before.map((column) => column.Name));
    const added = after.filter((column) => !names.has(column.Name));
    if (added.length === 0) return { table: existing, action: 'kept' };
    return {
      table: {
        ...existing,
        UpdateTime: crawled.UpdateTime,
        StorageDescriptor: { ...existing.StorageDescriptor, Columns: [...before, ...added] },
      },
      action: 'merged',
    };
  }
  // UPDATE_IN_DATABASE: the crawled definition replaces the stored one; the creation time stays.
  return { table: { ...crawled, CreateTime: existing.CreateTime ?? crawled.CreateTime }, action: 'replaced' };
}

function describeColumnChange(before: { Name: string; Type: string }[], after: { Name: string; Type: string }[]): string | undefined {
  const text = (columns: { Name: string; Type: string }[]) => columns.map((column) => `${column.Name} ${column.Type}`).join(', ');
  const stored = text(before);
  const found = text(after);
  return stored === found ? undefined : `crawled columns (${found}) differ from the catalog's (${stored})`;
}
