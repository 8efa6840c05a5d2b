// The placement planner the drain uses: cluster-plan's.
export * from '../cluster/placement.js';
