// Read by require.js when it loads (it must come first). The ipywidgets HTML manager
// names its modules "@jupyter-widgets/...", and finds the icon fonts of the buttons
// beside those names: so they resolve under this site's own copy, amd/, next to this
// file, whatever the page's folder. Nothing is looked up on a CDN.
var require = { baseUrl: new URL("amd/", document.currentScript.src).href };
