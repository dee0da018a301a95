import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LABEL_COLOURS,
  createShow,
  layOutNeighbourhood,
  renderBarChartSvg,
  renderHtmlTable,
  renderNeighbourhoodSvg,
  type Neighbourhood,
} from '../src/notebook/index.js';

const CHROMIUM = '/usr/bin/chromium';

/** A user's identity neighbourhood as the queries return it (ids label-prefixed, DESIGN §4). */
function sampleNeighbourhood(): Neighbourhood {
  const vertices: Neighbourhood['vertices'] = [];
  const edges: Neighbourhood['edges'] = [];
  const v = (id: string, label: string) => vertices.push({ id, label });
  const e = (from: string, label: string, to: string) => edges.push({ from, label, to });
  v('user:meredith41', 'User');
  v('email:meredith41@example.org', 'Email');
  v('phone:+1-555-0100', 'PhoneNumber');
  v('customerid:C-000041', 'CustomerID');
  v('postcode:02139', 'PostCode');
  v('city:Cambridge', 'City');
  v('country:United States', 'Country');
  v('loyaltylevel:gold', 'LoyaltyLevel');
  e('user:meredith41', 'hasEmail', 'email:meredith41@example.org');
  e('user:meredith41', 'hasPhone', 'phone:+1-555-0100');
  e('user:meredith41', 'hasExternalId', 'customerid:C-000041');
  e('user:meredith41', 'hasPostCodeAddress', 'postcode:02139');
  e('user:meredith41', 'hasCityAddress', 'city:Cambridge');
  e('city:Cambridge', 'inCountry', 'country:United States');
  e('user:meredith41', 'hasLoyaltyLevel', 'loyaltylevel:gold');
  for (const p of ['Espresso machine', 'Running shoes', 'Noise cancelling headphones']) {
    v(`product:${p}`, 'Product');
    e('email:meredith41@example.org', 'hasPurchased', `product:${p}`);
  }
  for (let s = 1; s <= 4; s++) {
    const session = `session:5f0c2a7e-${s}`;
    v(session, 'SessionID');
    e(session, 'loggedAs', 'user:meredith41');
    v(`clientip:10.0.0.${s}`, 'ClientIP');
    e(session, 'lastSeenAtIP', `clientip:10.0.0.${s}`);
    v(`domain:shop${s}.example.com`, 'DomainName');
    e(session, 'lastSeenAtDomain', `domain:shop${s}.example.com`);
    if (s % 2 === 0) {
      v(`device:D-${s}`, 'DeviceID');
      e(session, 'usedDevice', `device:D-${s}`);
    } else {
      v(`cookie:ck-${s}`, 'Cookie');
      e(session, 'hasCookie', `cookie:ck-${s}`);
      v(`useragent:Mozilla/5.0 (X11; Linux x86_64) Chrome/${120 + s}`, 'UserAgent');
      e(session, 'usedUserAgent', `useragent:Mozilla/5.0 (X11; Linux x86_64) Chrome/${120 + s}`);
    }
  }
  return { centre: 'user:meredith41', vertices, edges };
}

interface Png {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  pixels: Uint8Array;
}

/** Decodes an 8-bit RGB/RGBA non-interlaced PNG (what Chromium writes) with node:zlib. */
function decodePng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = 0;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8); // bit depth
      colourType = data[9];
      expect(data[12]).toBe(0); // not interlaced
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const channels = colourType === 6 ? 4 : colourType === 2 ? 3 : 0;
  expect(channels).toBeGreaterThan(0);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const current = new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? current[x - channels] : 0;
      const b = previous[x];
      const c = x >= channels ? previous[x - channels] : 0;
      let value = line[x];
      if (filter === 1) value += a;
      else if (filter === 2) value += b;
      else if (filter === 3) value += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        value += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      current[x] = value & 0xff;
    }
    for (let x = 0; x < width; x++) {
      out.set([current[x * channels], current[x * channels + 1], current[x * channels + 2], channels === 4 ? current[x * channels + 3] : 255], (y * width + x) * 4);
    }
    previous = current;
  }
  return { width, height, pixels: out };
}

function countColours(png: Png): Map<string, number> {
  const colours = new Map<string, number>();
  for (let i = 0; i < png.pixels.length; i += 4) {
    const key = ((png.pixels[i] << 16) | (png.pixels[i + 1] << 8) | png.pixels[i + 2]).toString(16).padStart(6, '0');
    colours.set(key, (colours.get(key) ?? 0) + 1);
  }
  return colours;
}

function sizeOf(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*width="(\d+)" height="(\d+)"/.exec(svg);
  expect(match).not.toBeNull();
  return { width: Number(match![1]), height: Number(match![2]) };
}

const work = mkdtempSync(join(tmpdir(), 'idgraph-pictures-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Screenshots an SVG in Debian's headless Chromium, at the SVG's own size. */
function screenshot(svg: string, name: string): Png {
  const { width, height } = sizeOf(svg);
  const page = join(work, `${name}.html`);
  const png = join(work, `${name}.png`);
  writeFileSync(page, `<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
  const result = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${join(work, 'profile')}`,
      `--screenshot=${png}`,
      `--window-size=${width},${height}`,
      `file://${page}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(existsSync(png), `chromium wrote no PNG: ${result.stderr}`).toBe(true);
  if (process.env.IDGRAPH_KEEP_PICTURES) writeFileSync(join(process.env.IDGRAPH_KEEP_PICTURES, `${name}.png`), readFileSync(png));
  return decodePng(readFileSync(png));
}

function hexOf(colour: string): string {
  return colour.replace('#', '').toLowerCase();
}

describe('neighbourhood layout', () => {
  it('is deterministic, puts the centre in the middle and rings by distance', () => {
    const first = layOutNeighbourhood(sampleNeighbourhood());
    const second = layOutNeighbourhood(sampleNeighbourhood());
    const positions = (l: typeof first) => [...l.placed].map(([id, p]) => `${id}@${p.x.toFixed(2)},${p.y.toFixed(2)}`);
    expect(positions(first)).toEqual(positions(second));
    const centre = first.placed.get('user:meredith41')!;
    expect(centre.x).toBeCloseTo(first.size / 2);
    expect(first.placed.get('email:meredith41@example.org')!.depth).toBe(1);
    expect(first.placed.get('product:Running shoes')!.depth).toBe(2);
    expect(first.placed.get('country:United States')!.depth).toBe(2);
  });

  it('keeps neighbouring labels on a ring apart', () => {
    const layout = layOutNeighbourhood(sampleNeighbourhood());
    for (let depth = 1; depth <= layout.depth; depth++) {
      const ring = [...layout.placed.values()].filter((p) => p.depth === depth).sort((a, b) => a.angle - b.angle);
      for (let i = 1; i < ring.length; i++) {
        const distance = Math.hypot(ring[i].x - ring[i - 1].x, ring[i].y - ring[i - 1].y);
        expect(distance).toBeGreaterThanOrEqual(14);
      }
    }
  });

  it('escapes names and rejects a centre that is not a vertex', () => {
    const svg = renderNeighbourhoodSvg({
      centre: 'user:<b>',
      vertices: [{ id: 'user:<b>', label: 'User' }, { id: 'email:a&b', label: 'Email' }],
      edges: [{ from: 'user:<b>', to: 'email:a&b', label: 'hasEmail' }],
    });
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).toContain('a&amp;b');
    expect(svg).not.toContain('<b>');
    expect(() => renderNeighbourhoodSvg({ centre: 'user:x', vertices: [], edges: [] })).toThrow(
      expect.objectContaining({ name: 'InvalidInputError' }),
    );
  });
});

describe('html table and text fallback', () => {
  it('escapes values and right-aligns numbers', () => {
    const html = renderHtmlTable([{ rule: '<script>', precision: 0.5, pairs: 1234 }], { caption: 'scores' });
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('1,234');
    expect(html).toContain('0.500');
    expect(html).toMatch(/text-align:right">1,234/);
    expect(renderHtmlTable([{ birthday: new Date('1979-08-25T00:00:00Z'), seen: new Date('2026-01-01T10:00:00Z') }])).toContain('>1979-08-25<');
  });

  it('prints text outside a notebook', () => {
    const lines: string[] = [];
    const show = createShow({ display: null, write: (t) => lines.push(t) });
    expect(show.rich).toBe(false);
    show.table([{ label: 'User', count: 2000 }]);
    show.barChart({ User: 2000, Email: 1000 }, { title: 'vertices' });
    show.neighbourhood(sampleNeighbourhood());
    expect(lines[0]).toMatch(/label\s+count\n-+\s+-+\nUser\s+2,000/);
    expect(lines[1]).toContain('vertices');
    expect(lines[1]).toMatch(/User\s+█+ 2,000/);
    expect(lines[2]).toMatch(/neighbourhood of user:meredith41\n29 vertices, 28 edges/);
  });

  it('sends HTML to a rich display and progress to one updating line', () => {
    const html: string[] = [];
    const progressLines: string[] = [];
    let clock = 0;
    const show = createShow({
      display: { main: { html: (h) => html.push(h), text: () => undefined }, create: () => ({ html: () => undefined, text: (t) => progressLines.push(t) }) },
      now: () => clock,
    });
    show.barChart({ User: 3 });
    expect(html[0]).toMatch(/^<svg/);
    const progress = show.progress('generate', 'rows');
    clock = 1500;
    progress.update(500, 2000);
    progress.finish('2,000 rows');
    expect(progressLines).toEqual(['generate  500 / 2,000 rows  25%  1.5 s', 'generate  2,000 rows  1.5 s']);
  });
});

describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== 'true')('pictures rendered in headless Chromium', () => {
  it('draws the neighbourhood with every label colour of the legend', { timeout: 90_000 }, () => {
    const svg = renderNeighbourhoodSvg(sampleNeighbourhood(), { title: 'Identity neighbourhood of meredith41' });
    const { width, height } = sizeOf(svg);
    const png = screenshot(svg, 'neighbourhood');
    expect(png.width).toBe(width);
    expect(png.height).toBe(height);
    const colours = countColours(png);
    // Mostly white background, but not blank.
    expect(colours.get('ffffff') ?? 0).toBeLessThan(png.width * png.height * 0.98);
    expect(colours.size).toBeGreaterThan(20);
    const labels = ['User', 'Email', 'PhoneNumber', 'CustomerID', 'PostCode', 'City', 'Country', 'LoyaltyLevel', 'Product', 'SessionID', 'ClientIP', 'DomainName', 'DeviceID', 'Cookie', 'UserAgent'];
    for (const label of labels) {
      // Each legend swatch and node is a filled circle of that exact colour: many pixels of it.
      expect(colours.get(hexOf(LABEL_COLOURS[label])) ?? 0, `${label} colour ${LABEL_COLOURS[label]}`).toBeGreaterThan(60);
    }
  });

  it('draws the bar chart with one coloured bar per label', { timeout: 90_000 }, () => {
    const counts = { User: 2000, Email: 2000, SessionID: 1500, Cookie: 500, Product: 120 };
    const svg = renderBarChartSvg(counts, { title: 'Vertices per label' });
    const { width, height } = sizeOf(svg);
    const png = screenshot(svg, 'bar-chart');
    expect([png.width, png.height]).toEqual([width, height]);
    const colours = countColours(png);
    for (const label of Object.keys(counts)) {
      expect(colours.get(hexOf(LABEL_COLOURS[label])) ?? 0, label).toBeGreaterThan(100);
    }
    // The longest bar is longer than the shortest: compare the pixel counts of their colours.
    expect(colours.get(hexOf(LABEL_COLOURS.User))!).toBeGreaterThan(colours.get(hexOf(LABEL_COLOURS.Product))! * 5);
  });
});
