export * from './nab-corpus.js';
export * from './nab-score.js';
export * from './novelty-detector.js';
export * from './room-climate-watch.js';
export * from './seasonal-forecast.js';
