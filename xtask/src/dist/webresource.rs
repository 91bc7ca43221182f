//! One `<WebResource>` record: read from a `.data.xml` or from `customizations.xml`, written
//! back in the schema's element order, and its `DependencyXml`.

use super::{names, xml};

/// The `webresourcetype` sequence of `CustomizationsSolution.xsd`, in order.
pub const ORDER: [&str; 15] = [
    "WebResourceId",
    "Name",
    "DisplayName",
    "Description",
    "SilverlightVersion",
    "LanguageCode",
    "WebResourceType",
    "IntroducedVersion",
    "IsEnabledForMobileClient",
    "IsAvailableForMobileOffline",
    "DependencyXml",
    "IsCustomizable",
    "CanBeDeleted",
    "IsHidden",
    "FileName",
];

/// The metadata of one web resource, as the solution carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebResource {
    /// `{lower-case GUID}`, stable across builds.
    pub id: String,
    /// The unique name, e.g. `rsub_/resubscribe/form.js`.
    pub name: String,
    /// What the maker portal shows.
    pub display_name: String,
    /// A sentence for customizers.
    pub description: Option<String>,
    /// 0, or the LCID of a RESX web resource.
    pub language_code: u32,
    /// The type code (see [`names::type_of`]).
    pub kind: u32,
    /// The solution version that introduced it.
    pub introduced_version: String,
    /// `IsEnabledForMobileClient`; `None` leaves the element out (packages before 9.0).
    pub mobile_client: Option<bool>,
    /// `IsAvailableForMobileOffline`; `None` leaves the element out (packages before 9.0).
    pub mobile_offline: Option<bool>,
    /// The raw (unescaped) `DependencyXml`, when it has dependencies.
    pub dependency_xml: Option<String>,
    /// `IsCustomizable`.
    pub customizable: bool,
    /// `CanBeDeleted`.
    pub can_be_deleted: bool,
    /// `IsHidden`.
    pub hidden: bool,
    /// The part inside the zip (`/WebResources/…`).
    pub file_name: String,
}

impl WebResource {
    /// Reads a `<WebResource>` element; fails on unknown or out-of-order children.
    pub fn from_element(node: roxmltree::Node, what: &str) -> Result<Self, String> {
        xml::check_order(node, &ORDER, what)?;
        let text = |name: &str| xml::child_text(node, name).map(str::to_owned);
        let required =
            |name: &str| text(name).ok_or_else(|| format!("{what}: <{name}> is missing"));
        let flag = |name: &str, default: bool| match xml::child_text(node, name) {
            None => Ok(default),
            Some("1") => Ok(true),
            Some("0") => Ok(false),
            Some(other) => Err(format!("{what}: <{name}> is `{other}`, not 0 or 1")),
        };
        let optional_flag = |name: &str| {
            xml::child(node, name)
                .map(|_| flag(name, false))
                .transpose()
        };
        let number = |name: &str, default: u32| match xml::child_text(node, name) {
            None => Ok(default),
            Some(t) => t
                .trim()
                .parse()
                .map_err(|_| format!("{what}: <{name}> is `{t}`, not a number")),
        };
        let id = required("WebResourceId")?;
        Ok(Self {
            id: names::braced_guid(&id)
                .ok_or_else(|| format!("{what}: <WebResourceId> `{id}` is not a GUID"))?,
            name: required("Name")?,
            display_name: text("DisplayName").unwrap_or_default(),
            description: text("Description").filter(|d| !d.is_empty()),
            language_code: number("LanguageCode", 0)?,
            kind: number("WebResourceType", 0)?,
            introduced_version: text("IntroducedVersion").unwrap_or_else(|| "1.0".into()),
            mobile_client: optional_flag("IsEnabledForMobileClient")?,
            mobile_offline: optional_flag("IsAvailableForMobileOffline")?,
            dependency_xml: text("DependencyXml").filter(|d| !d.is_empty()),
            customizable: flag("IsCustomizable", true)?,
            can_be_deleted: flag("CanBeDeleted", true)?,
            hidden: flag("IsHidden", false)?,
            file_name: required("FileName")?,
        })
    }

    /// The element's lines in schema order, each indented by `indent`, LF-separated;
    /// `attributes` go on the opening tag (e.g. the `xmlns:xsi` of a `.data.xml`).
    pub fn to_xml(&self, indent: &str, attributes: &str) -> String {
        let flag = |b: bool| if b { "1" } else { "0" };
        let mut fields: Vec<(&str, String)> = vec![
            ("WebResourceId", self.id.clone()),
            ("Name", self.name.clone()),
            ("DisplayName", self.display_name.clone()),
        ];
        if let Some(description) = &self.description {
            fields.push(("Description", description.clone()));
        }
        fields.extend([
            ("LanguageCode", self.language_code.to_string()),
            ("WebResourceType", self.kind.to_string()),
            ("IntroducedVersion", self.introduced_version.clone()),
        ]);
        if let Some(mobile) = self.mobile_client {
            fields.push(("IsEnabledForMobileClient", flag(mobile).into()));
        }
        if let Some(offline) = self.mobile_offline {
            fields.push(("IsAvailableForMobileOffline", flag(offline).into()));
        }
        if let Some(dependencies) = &self.dependency_xml {
            fields.push(("DependencyXml", dependencies.clone()));
        }
        fields.extend([
            ("IsCustomizable", flag(self.customizable).into()),
            ("CanBeDeleted", flag(self.can_be_deleted).into()),
            ("IsHidden", flag(self.hidden).into()),
            ("FileName", self.file_name.clone()),
        ]);
        let mut out = format!("{indent}<WebResource{attributes}>\n");
        for (name, value) in fields {
            out.push_str(&format!(
                "{indent}  <{name}>{}</{name}>\n",
                xml::escape(&value)
            ));
        }
        out.push_str(&format!("{indent}</WebResource>"));
        out
    }

    /// The names of the web resources its `DependencyXml` lists.
    pub fn dependencies(&self) -> Result<Vec<String>, String> {
        let Some(text) = &self.dependency_xml else {
            return Ok(Vec::new());
        };
        let what = format!("the DependencyXml of {}", self.name);
        let doc = xml::parse(&what, text)?;
        let root = doc.root_element();
        if !root.has_tag_name("Dependencies") {
            return Err(format!("{what} does not start with <Dependencies>"));
        }
        Ok(root
            .descendants()
            .filter(|n| n.has_tag_name("Library"))
            .filter_map(|n| n.attribute("name").map(str::to_owned))
            .collect())
    }
}

/// The `DependencyXml` that makes `libraries` load with a script web resource (the shape the
/// web resource form writes: one `Dependency componentType="WebResource"` with a `Library` each).
pub fn dependency_xml(libraries: &[&WebResource]) -> Option<String> {
    if libraries.is_empty() {
        return None;
    }
    let mut out = String::from("<Dependencies><Dependency componentType=\"WebResource\">");
    for library in libraries {
        let language = match library.language_code {
            0 => String::new(),
            lcid => lcid.to_string(),
        };
        out.push_str(&format!(
            "<Library name=\"{}\" displayName=\"{}\" languagecode=\"{language}\" description=\"{}\" libraryUniqueId=\"{}\" />",
            xml::escape(&library.name),
            xml::escape(&library.display_name),
            xml::escape(library.description.as_deref().unwrap_or("")),
            library.id,
        ));
    }
    out.push_str("</Dependency></Dependencies>");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resx(lcid: u32, id: &str) -> WebResource {
        let name = format!("rsub_/strings/Resubscribe.{lcid}.resx");
        WebResource {
            id: id.into(),
            file_name: names::packed_file_name(&name, id),
            name,
            display_name: format!("Resubscribe strings ({lcid})"),
            description: Some("Strings & labels".into()),
            language_code: lcid,
            kind: names::RESX,
            introduced_version: "0.1.0.0".into(),
            mobile_client: Some(false),
            mobile_offline: Some(false),
            dependency_xml: None,
            customizable: true,
            can_be_deleted: true,
            hidden: false,
        }
    }

    #[test]
    fn writes_and_reads_back_in_schema_order() {
        let mut script = resx(1033, "{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1033}");
        script.dependency_xml =
            dependency_xml(&[&resx(1031, "{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1031}")]);
        let text = script.to_xml(
            "",
            " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        );
        let doc = xml::parse("t", &text).unwrap();
        assert_eq!(
            WebResource::from_element(doc.root_element(), "t"),
            Ok(script.clone())
        );
        assert!(
            text.contains("<DependencyXml>&lt;Dependencies&gt;"),
            "{text}"
        );
        assert!(text.find("<LanguageCode>").unwrap() < text.find("<WebResourceType>").unwrap());
        assert!(text.find("<DependencyXml>").unwrap() < text.find("<IsCustomizable>").unwrap());
    }

    /// A package for a version before 9.0 leaves the mobile flags out; read back, they stay out.
    #[test]
    fn leaves_out_the_mobile_flags_when_unset() {
        let mut strings = resx(1033, "{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1033}");
        strings.mobile_client = None;
        strings.mobile_offline = None;
        let text = strings.to_xml("", "");
        assert!(!text.contains("Mobile"), "{text}");
        let doc = xml::parse("t", &text).unwrap();
        assert_eq!(
            WebResource::from_element(doc.root_element(), "t"),
            Ok(strings)
        );
    }

    #[test]
    fn lists_every_language_as_a_library_dependency() {
        let de = resx(1031, "{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1031}");
        let en = resx(1033, "{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1033}");
        let mut script = resx(1033, "{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d0000}");
        script.dependency_xml = dependency_xml(&[&de, &en]);
        let xml = script.dependency_xml.clone().unwrap();
        assert!(xml.starts_with("<Dependencies><Dependency componentType=\"WebResource\"><Library name=\"rsub_/strings/Resubscribe.1031.resx\""));
        assert!(xml.contains("languagecode=\"1033\""));
        assert!(xml.contains("description=\"Strings &amp; labels\""));
        assert!(xml.contains("libraryUniqueId=\"{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1033}\""));
        assert_eq!(
            script.dependencies().unwrap(),
            vec![de.name.clone(), en.name.clone()]
        );
        assert_eq!(dependency_xml(&[]), None);
    }

    #[test]
    fn refuses_out_of_order_and_unknown_elements() {
        let text = "<WebResource><Name>rsub_/a.js</Name><WebResourceId>{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1033}</WebResourceId><FileName>x</FileName></WebResource>";
        let doc = xml::parse("t", text).unwrap();
        assert!(WebResource::from_element(doc.root_element(), "t").is_err());
        let text = "<WebResource><WebResourceId>{2b0c9a57-0c1e-4a43-9e1e-8a7f3b6d1033}</WebResourceId><Name>rsub_/a.js</Name><Colour>red</Colour></WebResource>";
        let doc = xml::parse("t", text).unwrap();
        assert!(WebResource::from_element(doc.root_element(), "t").is_err());
    }
}
