/**
 * The four source datasets of the identity-graph proof of concept, in pipeline order, with their
 * exact column lists (DESIGN §5). The catalog's schema fix and the ETL import these constants so
 * that column names are written down once.
 */
export const DATASETS = ['first_party', 'transactional', 'cookie', 'clickstream'] as const;

export type DatasetName = (typeof DATASETS)[number];

export const DATASET_COLUMNS: Readonly<Record<DatasetName, readonly string[]>> = Object.freeze({
  first_party: Object.freeze([
    'user_name',
    'email',
    'phone_number',
    'external_id',
    'street_address',
    'postcode',
    'city',
    'country',
    'birthday',
    'loyalty_points',
    'loyalty_level',
  ]),
  transactional: Object.freeze([
    'purchase_id',
    'product_name',
    'purchased_date',
    'product_category',
    'customer_id',
    'reward_points',
  ]),
  cookie: Object.freeze(['cookie_id', 'session_id', 'last_action', 'user_name', 'conversion_id', 'session_duration_sec']),
  clickstream: Object.freeze([
    'session_id',
    'client_ip',
    'client_platform',
    'canonical_url',
    'domain_name',
    'app_id',
    'device_id',
    'user_name',
    'events',
    'start_timestamp',
    'start_event',
    'end_timestamp',
    'end_event',
    'session_duration_sec',
    'user-agent',
  ]),
});

/** The extra file naming the real person behind every identifier (see ground-truth.ts). */
export const GROUND_TRUTH_NAME = 'ground_truth';

/**
 * Columns of the ground-truth file. One row per entity:
 * - `entity_type` — `household`, `user`, `device`, `session` or `cookie`;
 * - `entity_id` — the household id (`hh-<n>`), first-party `user_name`, `device_id`,
 *   `session_id` or `cookie_id`;
 * - `user_name` — the first-party user name of the real person behind the entity (also for
 *   anonymous sessions and cookies, whose data rows have an empty `user_name`); empty for
 *   households;
 * - `household_id` — that person's household (for a household row: its own id);
 * - `home_ip` — the household's home IPv4 address (household rows only; several households
 *   may share one when `--uniqueness` leaves fewer addresses than households, as carrier-grade
 *   NAT does).
 */
export const GROUND_TRUTH_COLUMNS = Object.freeze(['entity_type', 'entity_id', 'user_name', 'household_id', 'home_ip'] as const);

export type GroundTruthEntityType = 'household' | 'user' | 'device' | 'session' | 'cookie';

/**
 * File name of a dataset as the original generator wrote it: `<dataset>_data_full.csv`, or
 * `<dataset>_data_inc.csv` for an incremental batch. Also accepts `ground_truth`.
 */
export function datasetFileName(dataset: DatasetName | typeof GROUND_TRUTH_NAME, incremental: boolean): string {
  return `${dataset}_data_${incremental ? 'inc' : 'full'}.csv`;
}
