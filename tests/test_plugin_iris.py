"""iris plugin: examples/webchain with -framework iris (the shop routes in a Party, behind a
middleware), frontend -> backend over HTTP, webchain_built with skywago at the lower and the upper
bound of the plugin's range and under both front doors: one trace across both processes, each
Entry span named after the route (Party prefix included) with component Iris, renamed before the
handler called the backend; iris v12.2.0-alpha9 compiles untouched with one warning."""

# The tests of the plugins examples/webchain serves (tests/webchain.py), run for this one.
from webchain import (  # noqa: F401
    webchain_built,
    test_a_version_outside_the_range_compiles_untouched_with_one_warning,
    test_errors_unmatched_routes_and_an_incoming_trace,
    test_route_names_the_entry_spans_across_two_services,
    test_the_example_pins_a_version_inside_the_declared_range,
)

PLUGIN = "iris"
