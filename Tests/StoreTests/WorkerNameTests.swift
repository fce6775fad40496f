import Store
import Testing

/// Worker names from FQDNs as Debusine makes them (`db/models/workers.py` `WorkerManager._generate_unique_name`:
/// `slugify(fqdn.replace(".", "-"))`, Django's `django.utils.text.slugify`). Pure: no database.
@Suite("Worker names from FQDNs")
struct WorkerNameTests {
    @Test(
        "Django's slugify of the FQDN with dots as hyphens",
        arguments: [
            ("builder-1.example.org", "builder-1-example-org"),
            ("build_01.example.org", "build_01-example-org"),
            ("Café.LAN", "cafe-lan"),
            ("a..b", "a-b"),
            ("a - b!c.", "a-bc"),
            ("_x.y_", "x-y"),
            ("...", ""),
        ])
    func slug(fqdn: String, name: String) {
        #expect(WorkerRepository.slug(forFQDN: fqdn) == name)
    }
}
