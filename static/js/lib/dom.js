// The page's elements by id, and the JSON blocks the server writes into it.
export const $ = (id) => document.getElementById(id);

export const jsonBlock = (id) => JSON.parse($(id).textContent);
