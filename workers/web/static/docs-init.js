// Swagger UI over /openapi.json, from a file so that the page's CSP needs no inline script.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
