/**
 * The JSON Schema of each endpoint's input: the body of `POST /store-visit` and the query string
 * of the two GET endpoints (query values are strings). Served at `GET /schemas/<endpoint>` and
 * enforced by `validateJson` before anything touches the graph.
 */
import { checkSchemaKeywords, type JsonSchema } from './json-schema.js';

/** No control characters: they end up in vertex ids and log lines. */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f]+$';
const identifier = (description: string, maxLength = 256): JsonSchema => ({ type: 'string', minLength: 1, maxLength, pattern: PRINTABLE, description });
const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, maximum: 2_147_483_647, description });

const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';

export const STORE_VISIT_SCHEMA: JsonSchema = {
  $schema: SCHEMA,
  $id: 'https://idgraph-kit/schemas/store-visit.json',
  title: 'POST /store-visit',
  description: 'One interaction (a web or app session, or a store visit) and the identifiers it carried.',
  type: 'object',
  additionalProperties: false,
  required: ['session_id'],
  properties: {
    session_id: identifier('The session (or store visit) id: the SessionID vertex.'),
    cookie_id: identifier('Browser cookie: SessionID-hasCookie->Cookie.'),
    device_id: identifier('Mobile device id: SessionID-usedDevice->DeviceID.'),
    client_ip: { type: 'string', minLength: 2, maxLength: 45, pattern: '^[0-9A-Fa-f:.]+$', description: 'IPv4 or IPv6 address: SessionID-lastSeenAtIP->ClientIP.' },
    user_agent: identifier('Browser user-agent string: SessionID-usedUserAgent->UserAgent.', 2048),
    domain_name: identifier('Site or store domain: SessionID-lastSeenAtDomain->DomainName.'),
    client_platform: identifier('web, ios, android or store.', 40),
    canonical_url: identifier('Page the session landed on.', 2048),
    app_id: identifier('Mobile app id.'),
    events: count('Events in the session.'),
    start_timestamp: { type: 'string', format: 'date-time' },
    start_event: identifier('First event.', 100),
    end_timestamp: { type: 'string', format: 'date-time' },
    end_event: identifier('Last event.', 100),
    session_duration_sec: count('Session length in seconds.'),
    user_name: identifier('The user who logged in: SessionID-loggedAs->User (and Cookie-loggedAs->User).'),
    email: { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$', description: 'User-hasEmail->Email (with user_name).' },
    external_id: identifier('Customer id: User-hasExternalId->CustomerID (with user_name).'),
    purchase: {
      type: 'object',
      additionalProperties: false,
      required: ['purchase_id', 'product_name'],
      description: 'A purchase made in the interaction, by the email (else the external_id) of the visit.',
      properties: {
        purchase_id: identifier('Purchase id: the hasPurchased edge is hasPurchased:<purchase_id>.'),
        product_name: identifier('Product.'),
        product_category: identifier('Product-inCategory->ProductCategory.'),
        purchased_date: { type: 'string', format: 'date' },
        reward_points: count('Reward points earned.'),
      },
    },
  },
};

export const MAP_USER_SCHEMA: JsonSchema = {
  $schema: SCHEMA,
  $id: 'https://idgraph-kit/schemas/map-user.json',
  title: 'GET /map-user',
  description: 'Exactly one anonymous identifier to resolve to known users.',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { session: identifier('A session id.'), cookie: identifier('A cookie id.'), device: identifier('A device id.') },
};

export const CUSTOMER_VIEW_SCHEMA: JsonSchema = {
  $schema: SCHEMA,
  $id: 'https://idgraph-kit/schemas/customer-view.json',
  title: 'GET /customer-view',
  description: 'Exactly one known identifier of the customer.',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    user: identifier('A user_name.'),
    email: identifier('An email address.'),
    external_id: identifier('A customer id.'),
    phone: identifier('A phone number.'),
  },
};

export const API_SCHEMAS = { 'store-visit': STORE_VISIT_SCHEMA, 'map-user': MAP_USER_SCHEMA, 'customer-view': CUSTOMER_VIEW_SCHEMA } as const;

for (const schema of Object.values(API_SCHEMAS)) checkSchemaKeywords(schema);
