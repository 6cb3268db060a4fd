"""fiber plugin: examples/webchain with -framework fiber (routes in a group, behind app.Use
middleware), fiber frontend -> fiber backend, the call made with fasthttp's client, webchain_built with
skywago at the lower and the upper bound of the plugin's range: one trace across both processes,
each Entry span (fasthttp's, renamed) named after the fiber route that matched."""

# The tests of the five plugins examples/webchain serves (tests/webchain.py), run for this one.
from webchain import (  # noqa: F401
    webchain_built,
    test_a_version_outside_the_range_compiles_untouched_with_one_warning,
    test_errors_unmatched_routes_and_an_incoming_trace,
    test_route_names_the_entry_spans_across_two_services,
    test_the_example_pins_a_version_inside_the_declared_range,
)

PLUGIN = "fiber"
