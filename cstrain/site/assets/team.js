/* cstrain team mode: team.js (being written) */
