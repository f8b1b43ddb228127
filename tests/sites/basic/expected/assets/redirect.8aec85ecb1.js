// Old WordPress addresses with a query (/?p=123) reach the start page or the 404 page of
// a static host, which cannot redirect on a query. The build writes the old addresses it
// knows to /assets/redirects.json; this sends the reader on to the post.
const old = window.location.pathname + window.location.search;
if (window.location.search) {
  fetch("/assets/redirects.json")
    .then((response) => (response.ok ? response.json() : {}))
    .then((known) => {
      const target = known[old];
      if (typeof target === "string" && target.startsWith("/") && !target.startsWith("//")) {
        window.location.replace(target);
      }
    })
    .catch(() => {});
}
