/* cstrain team mode: dashboard.js (being written) */
