/** @aws-lite/dynamodb ships no types; the bench (load/floor.ts, baseline-aws-lite.ts) only hands it to the client as a plugin. */
declare module '@aws-lite/dynamodb' {
  const plugin: object;
  export default plugin;
}
