/** The load benchmark's arithmetic: DynamoDB item sizes and units, and what a step costs. */
import { accessLogBytes, costPerMillion, FULL_VCPU_MB, loginMemoryTable, PLATFORM_LOG_BYTES } from '../bench/load/cost';
import { itemSize, readUnits, writeUnits } from '../bench/load/item-size';

describe('DynamoDB item size (developer guide rules)', () => {
  it('counts attribute names and UTF-8 string bytes', () => {
    expect(itemSize({ pk: 'USER#1', sk: 'MFA' })).toBe(2 + 6 + 2 + 3);
    expect(itemSize({ s: 'é' })).toBe(1 + 2);
  });

  it('counts numbers by significant digits, booleans as one byte, maps and lists with their overhead', () => {
    expect(itemSize({ n: 12345 })).toBe(1 + 4); // 5 digits: 3 bytes + 1
    expect(itemSize({ b: true })).toBe(2);
    expect(itemSize({ m: { a: 'x' } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(itemSize({ l: ['pwd', 'otp'] })).toBe(1 + 3 + (1 + 3) * 2);
  });
});

describe('request units', () => {
  it('charges a write per KB begun, twice in a transaction', () => {
    expect(writeUnits(300, false)).toBe(1);
    expect(writeUnits(300, true)).toBe(2);
    expect(writeUnits(1025, true)).toBe(4);
  });

  it('charges a read per 4 KB begun, half when eventually consistent, at least one unit', () => {
    expect(readUnits(0, true)).toBe(1);
    expect(readUnits(5000, false)).toBe(1);
  });
});

describe('cost per million', () => {
  it('adds API Gateway, Lambda requests and GB-seconds, DynamoDB units and KMS', () => {
    const cost = costPerMillion({ memoryMb: 1024, durationMs: 10, readUnits: 1, writeUnits: 8, kmsCalls: 0 });
    expect(cost.apiGateway).toBe(1);
    expect(cost.lambdaRequests).toBe(0.2);
    expect(cost.lambdaDuration).toBeCloseTo(0.01 * 0.0000133334 * 1e6, 6);
    expect(cost.dynamoWrites).toBe(5);
    expect(cost.total).toBeCloseTo(1 + 0.2 + 0.133334 + 0.125 + 5, 5);
  });

  it('prices each audit event on its way to the security-event bus: one bus event, a tenth of a pipe request', () => {
    const cost = costPerMillion({ memoryMb: 256, durationMs: 20, readUnits: 0.5, writeUnits: 5, kmsCalls: 0, securityEvents: 1 });
    expect(cost.securityEvents).toBeCloseTo(1 + 0.4 / 10, 6);
    expect(cost.total).toBeCloseTo(1 + 0.2 + (0.25 * 0.02 * 0.0000133334 * 1e6) + 0.0625 + 3.125 + 1.04, 5);
  });

  it('prices what a request logs at CloudWatch Logs ingestion: $0.50 a GB', () => {
    const cost = costPerMillion({ memoryMb: 256, durationMs: 20, readUnits: 0, writeUnits: 0, kmsCalls: 0, logBytes: 1000 });
    expect(cost.logs).toBeCloseTo(0.5, 6);
    expect(cost.total).toBeCloseTo(1 + 0.2 + 0.25 * 0.02 * 0.0000133334 * 1e6 + 0.5, 5);
  });

  it("sizes the stack's access-log line with every field filled, and Lambda's two records of an invocation", () => {
    const bytes = accessLogBytes('POST /2fa/authenticate');
    expect(bytes).toBeGreaterThan(400);
    // The method, the route key and the path are what differ between two routes' lines.
    const varying = (method: string, path: string) => method.length + `${method} ${path}`.length + path.length;
    expect(accessLogBytes('GET /health') - bytes).toBe(varying('GET', '/health') - varying('POST', '/2fa/authenticate'));
    expect(PLATFORM_LOG_BYTES).toBeGreaterThan(250);
    expect(PLATFORM_LOG_BYTES).toBeLessThan(500);
  });

  it('prices a CPU-bound hash the same below one full vCPU, and higher above it', () => {
    const table = loginMemoryTable(300, 0);
    const at = (mb: number) => table.find((t) => t.memoryMb === mb)!;
    expect(at(512).lambdaDurationPerMillion).toBeCloseTo(at(FULL_VCPU_MB).lambdaDurationPerMillion, 0);
    expect(at(FULL_VCPU_MB).durationMs).toBe(300);
    expect(at(3008).durationMs).toBe(300);
    expect(at(3008).lambdaDurationPerMillion).toBeGreaterThan(at(FULL_VCPU_MB).lambdaDurationPerMillion * 1.6);
  });
});
