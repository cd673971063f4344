// Not built yet: see the open issue for this service. The package exists so the workspace layout is stable.
export {};
