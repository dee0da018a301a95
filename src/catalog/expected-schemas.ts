import type { GlueColumn } from './catalog-types.js';

const columns = (names: string, bigints: string[]): GlueColumn[] =>
  names.split(',').map((Name) => ({ Name, Type: bigints.includes(Name) ? 'bigint' : 'string' }));

/**
 * The correct Glue schema of each source dataset: column order and names exactly as DESIGN §5,
 * types as the original PoC's README tables — counters bigint, everything else string (dates
 * and timestamps stay strings; the ETL parses them). `postcode` is bigint in the catalog as in
 * the original; the graph model keeps PostCode ids as strings.
 */
export const EXPECTED_SCHEMAS: Readonly<Record<string, readonly GlueColumn[]>> = {
  first_party: columns(
    'user_name,email,phone_number,external_id,street_address,postcode,city,country,birthday,loyalty_points,loyalty_level',
    ['postcode', 'loyalty_points'],
  ),
  transactional: columns('purchase_id,product_name,purchased_date,product_category,customer_id,reward_points', ['reward_points']),
  cookie: columns('cookie_id,session_id,last_action,user_name,conversion_id,session_duration_sec', ['session_duration_sec']),
  clickstream: columns(
    'session_id,client_ip,client_platform,canonical_url,domain_name,app_id,device_id,user_name,events,start_timestamp,start_event,end_timestamp,end_event,session_duration_sec,user-agent',
    ['events', 'session_duration_sec'],
  ),
};

/** Table of a dataset's initial load: `<prefix><dataset>`. */
export function tableName(tablePrefix: string, dataset: string): string {
  return `${tablePrefix}${dataset}`.toLowerCase();
}

/** Table of a dataset's incremental batches (batch folders are its partitions): `<prefix>incremental_<dataset>`. */
export function incrementalTableName(tablePrefix: string, dataset: string): string {
  return `${tablePrefix}incremental_${dataset}`.toLowerCase();
}
