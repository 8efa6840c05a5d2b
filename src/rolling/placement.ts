// The placement planner the drain uses (cluster-plan's, once merged).
export * from './plan-placement.js';
