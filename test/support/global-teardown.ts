export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __synth?: { stop(): Promise<void> } }).__synth?.stop();
  await (globalThis as { __dynamo?: { stop(): Promise<void> } }).__dynamo?.stop();
}
