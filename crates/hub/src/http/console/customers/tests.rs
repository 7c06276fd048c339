use super::*;

#[test]
fn cus_6_list_state_round_trips_api_names_and_cycles_sort() {
    let st = ListParams::parse(
            &LIST_SPEC,
            Some(
                "connectivity=RED&tag=gold&version=12.1&hasAlarms=true&status=bogus&sort=name&order=desc&max=10&filter=1",
            ),
        );
    assert_eq!(st.get("connectivity"), "red");
    assert_eq!(st.get("status"), "", "unknown status codes are ignored");
    assert!(st.filter_active());
    let f = customer_filter(&st);
    assert_eq!(f.light.as_deref(), Some("red"));
    assert_eq!(f.has_alarms, Some(true));
    assert!(st.sort_link("name").contains("order=asc"));
    let asc = ListParams::parse(&LIST_SPEC, Some("sort=name&order=asc"));
    assert!(!asc.sort_link("name").contains("sort="));
    assert!(st.sort_link("version").contains("sort=version&order=desc"));
    // Hiding the panel keeps the criteria.
    let hidden = st.toggle_filter_link();
    assert!(hidden.contains("tag=gold") && !hidden.contains("filter=1"));
    assert!(!st.clear_filter_link().contains("tag="));
}
