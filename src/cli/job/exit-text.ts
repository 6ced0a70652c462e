// How a job's end reads in a table or a status line (the rule lives with the describe model).
export { exitText } from '../../jobs/describe.js';
