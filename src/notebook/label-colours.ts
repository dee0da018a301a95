/**
 * One colour per vertex label, the same in every picture (neighbourhood, bar chart, legend), so a
 * reader learns them once. Known labels (DESIGN §4) get hand-picked, well separated colours;
 * any other label gets a stable colour derived from its name.
 */
export const LABEL_COLOURS: Readonly<Record<string, string>> = {
  User: '#d62728',
  Email: '#1f77b4',
  PhoneNumber: '#17becf',
  CustomerID: '#9467bd',
  PostCode: '#8c564b',
  City: '#bcbd22',
  Country: '#7f7f00',
  LoyaltyLevel: '#e377c2',
  Product: '#ff7f0e',
  ProductCategory: '#b35806',
  Cookie: '#2ca02c',
  SessionID: '#006d2c',
  ClientIP: '#393b79',
  DomainName: '#637939',
  DeviceID: '#843c39',
  UserAgent: '#7b4173',
};

/** The colour of a label: its fixed colour, or a stable hue from the label's name. */
export function getLabelColour(label: string): string {
  const known = LABEL_COLOURS[label];
  if (known) return known;
  let hash = 0;
  for (const char of label) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 55%, 42%)`;
}
