// MathJax 3, configured before it loads (Sphinx puts this file inline in the page).
// The ipywidgets HTML manager typesets widget labels with MathJax 2's call,
// MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); MathJax 3 has no Hub, so on a
// page with both a formula and a widget the labels would throw. Give the manager that
// one call: before MathJax is ready it does nothing (MathJax typesets the whole page
// when it starts), afterwards it typesets the element with MathJax 3.
window.MathJax = {
  Hub: { Queue() {} },
  startup: {
    ready() {
      MathJax.startup.defaultReady();
      MathJax.Hub = {
        Queue(job) {
          MathJax.typesetPromise([job[2]]).catch(() => {});
        },
      };
    },
  },
};
