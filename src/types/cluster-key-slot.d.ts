declare module 'cluster-key-slot' {
  /** The Redis Cluster hash slot (0-16383) of a key, after its hash tag. */
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
