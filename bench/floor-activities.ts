/** Activities that do nothing: the floor measures the engine, not our database. */
export function createFloorActivities() {
  return {
    async step(n: number): Promise<number> {
      return n + 1;
    },
  };
}
