import type { AtomicFileWriter } from './atomic-file-writer.js';
import { writeIpv4, writeIsoDate, writeUuid } from './identifiers.js';
import { mixHash32, mixUnit } from './random.js';
import type { ValuePools } from './value-pools.js';

/**
 * The simulated world behind the datasets: people grouped in households, each household with a
 * home IP, people owning mobile devices. Every attribute is a pure function of (seed, index), so
 * nothing per person is stored (memory does not grow with --records) and an incremental batch
 * generated later with the same seed and base size sees exactly the same people.
 */

/** Salts for mixHash32: one per independent attribute. */
const SALT = {
  firstName: 0x101,
  lastNameOwn: 0x102,
  lastNameHousehold: 0x103,
  lastNameChoice: 0x104,
  emailDomain: 0x105,
  externalId: 0x106,
  phone: 0x107,
  phoneChanged: 0x108,
  birthday: 0x109,
  loyalty: 0x10a,
  loyaltyBump: 0x10b,
  household: 0x10c,
  householdJoin: 0x10d,
  building: 0x10e,
  street: 0x10f,
  secondary: 0x110,
  secondaryChoice: 0x111,
  postcode: 0x112,
  city: 0x113,
  deviceOwner: 0x114,
  devicePlatform: 0x115,
  deviceModel: 0x116,
  deviceId: 0x200,
  browser: 0x117,
} as const;

export const SECONDS_PER_DAY = 86_400;
const BIRTHDAY_ANCHOR_SECONDS = Date.parse('2026-01-01T00:00:00Z') / 1000;

const UNDERSCORE = 95;
const DOT = 46;
const AT = 64;
const DASH = 45;
const QUOTE = 34;
const SPACE = 32;

/** Share of an incremental batch's first-party rows that update people of the initial batch. */
export const RETURNING_SHARE = 0.3;
/** Share of new people (incremental batch) who join an existing household. */
const JOIN_EXISTING_HOUSEHOLD = 0.2;
/** Share of people who carry their household's family name. */
const SHARE_FAMILY_NAME = 0.75;

export interface PopulationPlan {
  seed: number;
  /** People of the initial batch (= --records): indexes 0..basePersons-1. */
  basePersons: number;
  /** People new in the incremental batch: indexes basePersons..basePersons+newPersons-1 (0 in a full run). */
  newPersons: number;
  /** Initial-batch people whose profile the incremental batch updates. */
  returningPersons: number;
  /** IPv4 pool of the initial batch: round(records × uniqueness / 100). */
  ipPool: number;
  /** The first `homeIps` pool addresses are household home IPs; the rest are "away" networks. */
  homeIps: number;
  households: number;
  devices: number;
  /** IPv4 addresses, households and devices added by the incremental batch (0 in a full run). */
  newIpPool: number;
  newHouseholds: number;
  newDevices: number;
}

/**
 * How many households to make for `persons` people with `homeIps` addresses: 2.5 people per
 * household on average where the addresses allow one per household, never more than 4 on
 * average — below that, households share addresses (as behind carrier-grade NAT).
 */
function countHouseholds(persons: number, homeIps: number): number {
  const typical = Math.max(1, Math.round(persons / 2.5));
  const crowded = Math.max(1, Math.ceil(persons / 4));
  return Math.min(persons, typical, Math.max(crowded, homeIps));
}

function splitIpPool(pool: number): { home: number; away: number } {
  const away = Math.floor(pool / 10);
  return { home: pool - away, away };
}

/** The initial (full) batch an incremental batch builds on. */
export interface BaseBatch {
  records: number;
  uniqueness: number;
}

/**
 * Sizes the population: the initial batch's `base.records` people at `base.uniqueness` percent
 * distinct IPs and devices and, for an incremental batch of `records` rows, the returning and
 * new people and the new people's households, addresses and devices.
 */
export function planPopulation(
  seed: number,
  base: BaseBatch,
  batch: { records: number; uniqueness: number; incremental: boolean },
): PopulationPlan {
  const ipPool = Math.max(1, Math.round((base.records * base.uniqueness) / 100));
  const { home } = splitIpPool(ipPool);
  const returningPersons = batch.incremental ? Math.min(base.records, Math.round(batch.records * RETURNING_SHARE)) : 0;
  const newPersons = batch.incremental ? batch.records - returningPersons : 0;
  const newIpPool = batch.incremental ? Math.max(1, Math.round((newPersons * batch.uniqueness) / 100)) : 0;
  return {
    seed,
    basePersons: base.records,
    newPersons,
    returningPersons,
    ipPool,
    homeIps: home,
    households: countHouseholds(base.records, home),
    devices: ipPool,
    newIpPool,
    newHouseholds: batch.incremental && newPersons > 0 ? countHouseholds(newPersons, splitIpPool(newIpPool).home) : 0,
    newDevices: newPersons > 0 ? newIpPool : 0,
  };
}

/** Loyalty tiers by points (the graph's LoyaltyLevel vertices). */
export function loyaltyLevel(points: number): string {
  if (points >= 10_000) return 'Platinum';
  if (points >= 5_000) return 'Gold';
  if (points >= 1_000) return 'Silver';
  return 'Bronze';
}

/** Model names by platform: part of a device's user agent. */
const IOS_MODELS = ['iPhone', 'iPad'];
const IOS_VERSIONS = ['16.7', '17.4', '17.6', '18.1', '18.3'];
const ANDROID_MODELS = ['SM-G991B', 'SM-S918B', 'Pixel 7', 'Pixel 8 Pro', 'M2101K6G', 'CPH2451'];
const ANDROID_VERSIONS = ['12', '13', '14', '15'];

export type MobilePlatform = 'ios' | 'android';

export class Population {
  readonly plan: PopulationPlan;
  private readonly seed: number;
  private readonly pools: ValuePools;
  private readonly stride: number;

  constructor(plan: PopulationPlan, pools: ValuePools) {
    this.plan = plan;
    this.seed = plan.seed;
    this.pools = pools;
    this.stride = chooseCoprimeStride(plan.basePersons);
  }

  get totalPersons(): number {
    return this.plan.basePersons + this.plan.newPersons;
  }

  get totalDevices(): number {
    return this.plan.devices + this.plan.newDevices;
  }

  /** The j-th returning person (distinct for j < returningPersons: an affine map with a coprime stride). */
  returningPerson(j: number): number {
    const n = this.plan.basePersons;
    return (j * this.stride + (this.seed % n)) % n;
  }

  householdOf(person: number): number {
    const { basePersons, households, newHouseholds } = this.plan;
    if (person < basePersons) {
      // The first `households` people found one household each, so none is empty; the others
      // join a household at random (household sizes: 1 + Poisson, mean persons / households).
      return person < households ? person : mixHash32(this.seed, person, SALT.household) % households;
    }
    const j = person - basePersons;
    if (j < newHouseholds) return households + j;
    if (mixUnit(this.seed, person, SALT.householdJoin) < JOIN_EXISTING_HOUSEHOLD) {
      return mixHash32(this.seed, person, SALT.household) % households;
    }
    return households + (mixHash32(this.seed, person, SALT.household) % newHouseholds);
  }

  /** Writes `hh-<n>`. */
  writeHouseholdId(out: AtomicFileWriter, household: number): void {
    out.text('hh-');
    out.int(household);
  }

  /** Index of a household's home address in the IP index space (see writeIpv4). */
  homeIpIndex(household: number): number {
    const { households, homeIps, ipPool, newIpPool } = this.plan;
    if (household < households) return household % homeIps;
    return ipPool + ((household - households) % splitIpPool(newIpPool).home);
  }

  /** IP index of the `k`-th away network (office, café, mobile carrier) or -1 when there is none. */
  awayIpIndex(k: number): number {
    const { homeIps, ipPool } = this.plan;
    const away = ipPool - homeIps;
    return away === 0 ? -1 : homeIps + (k % away);
  }

  writeIp(out: AtomicFileWriter, index: number): void {
    writeIpv4(out, this.seed, index);
  }

  private firstName(person: number): string {
    const names = this.pools.firstNames;
    return names[mixHash32(this.seed, person, SALT.firstName) % names.length]!;
  }

  private lastName(person: number, household: number): string {
    const names = this.pools.lastNames;
    const family = mixUnit(this.seed, person, SALT.lastNameChoice) < SHARE_FAMILY_NAME;
    const index = family
      ? mixHash32(this.seed, household, SALT.lastNameHousehold)
      : mixHash32(this.seed, person, SALT.lastNameOwn);
    return names[index % names.length]!;
  }

  /**
   * Writes `first_last<index>`: names are letters only, so the trailing digits are the person's
   * index and two people can never share a user name, at any --records.
   */
  writeUserName(out: AtomicFileWriter, person: number, household = this.householdOf(person)): void {
    out.text(this.firstName(person));
    out.byte(UNDERSCORE);
    out.text(this.lastName(person, household));
    out.int(person);
  }

  /** Writes `first.last<index>@domain`: unique for the same reason as the user name. */
  writeEmail(out: AtomicFileWriter, person: number, household = this.householdOf(person)): void {
    out.text(this.firstName(person));
    out.byte(DOT);
    out.text(this.lastName(person, household));
    out.int(person);
    out.byte(AT);
    out.text(this.emailDomain(person));
  }

  private emailDomain(person: number): string {
    const domains = this.pools.emailDomains;
    const h = mixHash32(this.seed, person, SALT.emailDomain);
    // Three in four addresses at the big free-mail providers (the first six domains).
    return (h & 3) !== 0 ? domains[(h >>> 2) % 6]! : domains[(h >>> 2) % domains.length]!;
  }

  /** Writes `C` + 10 digits, a bijection of the index: unique. */
  writeExternalId(out: AtomicFileWriter, person: number): void {
    out.byte(67); // C
    out.digits(mixHash32(this.seed, person, SALT.externalId), 10);
  }

  /** Writes `+1-AAA-EEE-LLLL`; `changed` gives the person's new number. */
  writePhoneNumber(out: AtomicFileWriter, person: number, changed: boolean): void {
    const salt = changed ? SALT.phoneChanged : SALT.phone;
    const h = mixHash32(this.seed, person, salt);
    out.text('+1-');
    out.int(201 + (h % 789));
    out.byte(DASH);
    out.int(200 + ((h >>> 10) % 800));
    out.byte(DASH);
    out.digits(mixHash32(this.seed, person, salt + 0x40) % 10_000, 4);
  }

  /**
   * Writes the household's street address: "123 Main Street" or, for one in three,
   * "123 Main Street, Apt. 4" — quoted, as RFC 4180 requires for a comma. Pool parts hold no CSV
   * specials (see buildValuePools), so only the added comma needs quotes.
   */
  writeStreetAddress(out: AtomicFileWriter, household: number): void {
    const building = 1 + (mixHash32(this.seed, household, SALT.building) % 9_999);
    const street = this.pools.streetNames[mixHash32(this.seed, household, SALT.street) % this.pools.streetNames.length]!;
    if (mixUnit(this.seed, household, SALT.secondaryChoice) < 1 / 3) {
      const secondary =
        this.pools.secondaryAddresses[mixHash32(this.seed, household, SALT.secondary) % this.pools.secondaryAddresses.length]!;
      out.byte(QUOTE);
      out.int(building);
      out.byte(SPACE);
      out.text(street);
      out.text(', ');
      out.text(secondary);
      out.byte(QUOTE);
      return;
    }
    out.int(building);
    out.byte(SPACE);
    out.text(street);
  }

  /** Five digits, leading zeros kept: "01234". */
  writePostcode(out: AtomicFileWriter, household: number): void {
    out.digits(mixHash32(this.seed, household, SALT.postcode) % 100_000, 5);
  }

  /** Writes the CSV-ready `city,country` pair. */
  writeCityAndCountry(out: AtomicFileWriter, household: number): void {
    const entry = this.pools.cities[mixHash32(this.seed, household, SALT.city) % this.pools.cities.length]!;
    out.text(entry.city);
    out.comma();
    out.text(entry.country);
  }

  /**
   * Aged 18 to 90 on 2026-01-01: anchored to a fixed date, not the reference date, so that a
   * person's birthday never changes between the initial and an incremental batch.
   */
  writeBirthday(out: AtomicFileWriter, person: number): void {
    const minAgeDays = 18 * 365 + 5;
    const spanDays = 72 * 365;
    const days = minAgeDays + (mixHash32(this.seed, person, SALT.birthday) % spanDays);
    writeIsoDate(out, BIRTHDAY_ANCHOR_SECONDS - days * SECONDS_PER_DAY);
  }

  /** Skewed towards few points, as loyalty schemes are. */
  loyaltyPoints(person: number, returning: boolean): number {
    const u = mixUnit(this.seed, person, SALT.loyalty);
    const base = Math.floor(u * u * 15_000);
    return returning ? base + 250 + (mixHash32(this.seed, person, SALT.loyaltyBump) % 5_000) : base;
  }

  /** Whether a returning person's incremental row carries a new phone number (one in four). */
  phoneChanged(person: number): boolean {
    return (mixHash32(this.seed, person, SALT.phoneChanged + 0x80) & 3) === 0;
  }

  /**
   * Writes the person's first-party row. `returning` marks an incremental update of a person of
   * the initial batch: more loyalty points (maybe a new level) and sometimes a new phone.
   */
  writeFirstPartyRow(out: AtomicFileWriter, person: number, returning: boolean): void {
    const household = this.householdOf(person);
    const points = this.loyaltyPoints(person, returning);
    this.writeUserName(out, person, household);
    out.comma();
    this.writeEmail(out, person, household);
    out.comma();
    this.writePhoneNumber(out, person, returning && this.phoneChanged(person));
    out.comma();
    this.writeExternalId(out, person);
    out.comma();
    this.writeStreetAddress(out, household);
    out.comma();
    this.writePostcode(out, household);
    out.comma();
    this.writeCityAndCountry(out, household);
    out.comma();
    this.writeBirthday(out, person);
    out.comma();
    out.int(points);
    out.comma();
    out.text(loyaltyLevel(points));
    out.endRow();
  }

  /** The person's usual browser (CSV-ready user agent); `second` picks their other one. */
  browserUserAgent(person: number, second: boolean): string {
    const agents = this.pools.webUserAgents;
    return agents[mixHash32(this.seed, person, SALT.browser + (second ? 1 : 0)) % agents.length]!;
  }

  /**
   * Device k: devices below plan.devices belong to initial-batch people, the rest to new people.
   * Device h < households belongs to household h's founding member (person h), so that visiting
   * every device once also visits every household (see writeSessions).
   */
  deviceOwner(device: number): number {
    const { devices, households, basePersons, newPersons } = this.plan;
    if (device < households && device < devices) return device;
    const h = mixHash32(this.seed, device, SALT.deviceOwner);
    return device < devices ? h % basePersons : basePersons + (h % newPersons);
  }

  writeDeviceId(out: AtomicFileWriter, device: number): void {
    writeUuid(out, this.seed, device, SALT.deviceId);
  }

  devicePlatform(device: number): MobilePlatform {
    return mixUnit(this.seed, device, SALT.devicePlatform) < 0.55 ? 'android' : 'ios';
  }

  /** Writes the brand app's user agent on that device (no commas: stays unquoted). */
  writeDeviceUserAgent(out: AtomicFileWriter, device: number): void {
    const h = mixHash32(this.seed, device, SALT.deviceModel);
    out.text('ShopApp/5.');
    out.int(h % 12);
    out.byte(DOT);
    out.int((h >>> 4) % 4);
    if (this.devicePlatform(device) === 'ios') {
      out.text(' (');
      out.text(IOS_MODELS[(h >>> 8) % IOS_MODELS.length]!);
      out.text('; iOS ');
      out.text(IOS_VERSIONS[(h >>> 12) % IOS_VERSIONS.length]!);
      out.text('; Scale/3.00)');
    } else {
      out.text(' (Linux; Android ');
      out.text(ANDROID_VERSIONS[(h >>> 12) % ANDROID_VERSIONS.length]!);
      out.text('; ');
      out.text(ANDROID_MODELS[(h >>> 8) % ANDROID_MODELS.length]!);
      out.byte(41); // )
    }
  }
}

/** A multiplier coprime with n (a prime that does not divide n), so j ↦ j·stride mod n is a bijection. */
function chooseCoprimeStride(n: number): number {
  for (const prime of [7_919, 104_729, 1_299_709, 15_485_863]) {
    if (n % prime !== 0 && prime % n !== 0) return prime % n || 1;
  }
  return 1;
}
