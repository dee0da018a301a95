import { createHash } from 'node:crypto';

/**
 * The id the ETL gives the one edge of a label between two vertices: the first 96 bits of
 * md5("<label>:<from>-><to>") in base64 (16 characters), the same expression the transform's SQL
 * evaluates. An API write that uses it merges into the edge a bulk load wrote, and two concurrent
 * writes of the same edge name the same id, so neither can add a second edge between the ends.
 */
export function toPairEdgeId(label: string, fromId: string, toId: string): string {
  return createHash('md5').update(`${label}:${fromId}->${toId}`, 'utf8').digest('base64').slice(0, 16);
}

/** A purchase is its own edge, named by its purchase id, as the ETL names it. */
export function toPurchaseEdgeId(purchaseId: string): string {
  return `hasPurchased:${purchaseId}`;
}
