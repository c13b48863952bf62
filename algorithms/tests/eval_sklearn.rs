//! The one-vs-rest logistic regression and the node-classification scoring against
//! scikit-learn 1.9 (`tests/fixtures/logreg_sklearn.json`, made by
//! `tests/fixtures/make_logreg_fixtures.py`): on the same data and splits, the
//! coefficients, probabilities and micro/macro F1 must agree.
//!
//! The fixture is read with a small JSON parser below (this crate has no JSON
//! dependency).

use spargraph_algorithms::eval::logistic::{fit_one_vs_rest, LogisticConfig};
use spargraph_algorithms::eval::node_classification::evaluate_split;
use std::collections::BTreeMap;
use std::path::Path;

// ---------------------------------------------------------------------------
// Minimal JSON
// ---------------------------------------------------------------------------

#[derive(Debug)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(BTreeMap<String, Json>),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m.get(key).unwrap_or_else(|| panic!("missing key {key}")),
            _ => panic!("not an object (looking for {key})"),
        }
    }
    fn num(&self) -> f64 {
        match self {
            Json::Num(v) => *v,
            _ => panic!("not a number: {self:?}"),
        }
    }
    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(v) => v,
            _ => panic!("not an array"),
        }
    }
    fn nums(&self) -> Vec<f64> {
        self.arr().iter().map(Json::num).collect()
    }
    fn u32s(&self) -> Vec<u32> {
        self.arr()
            .iter()
            .map(|v| {
                let x = v.num();
                assert!(x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX));
                x as u32
            })
            .collect()
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn parse(text: &str) -> Json {
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value();
        p.ws();
        assert_eq!(p.i, p.s.len(), "trailing characters");
        v
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(self.s[self.i], c, "expected '{}' at {}", c as char, self.i);
        self.i += 1;
    }

    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'{' => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.s[self.i] == b'}' {
                    self.i += 1;
                    return Json::Obj(m);
                }
                loop {
                    self.ws();
                    let k = self.string();
                    self.eat(b':');
                    let v = self.value();
                    m.insert(k, v);
                    self.ws();
                    self.i += 1;
                    match self.s[self.i - 1] {
                        b',' => continue,
                        b'}' => return Json::Obj(m),
                        c => panic!("unexpected '{}' in object", c as char),
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                self.ws();
                if self.s[self.i] == b']' {
                    self.i += 1;
                    return Json::Arr(v);
                }
                loop {
                    v.push(self.value());
                    self.ws();
                    self.i += 1;
                    match self.s[self.i - 1] {
                        b',' => continue,
                        b']' => return Json::Arr(v),
                        c => panic!("unexpected '{}' in array", c as char),
                    }
                }
            }
            b'"' => Json::Str(self.string()),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'n' => self.word("null", Json::Null),
            _ => {
                let start = self.i;
                while self.i < self.s.len() && b"+-.eE0123456789".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Json::Num(t.parse().unwrap_or_else(|_| panic!("bad number {t:?}")))
            }
        }
    }

    fn word(&mut self, w: &str, v: Json) -> Json {
        assert!(self.s[self.i..].starts_with(w.as_bytes()));
        self.i += w.len();
        v
    }

    /// A string without escapes (all the fixture needs).
    fn string(&mut self) -> String {
        self.eat(b'"');
        let start = self.i;
        while self.s[self.i] != b'"' {
            assert_ne!(self.s[self.i], b'\\', "escapes are not supported");
            self.i += 1;
        }
        self.i += 1;
        String::from_utf8(self.s[start..self.i - 1].to_vec()).unwrap()
    }
}

#[test]
fn json_parser_reads_the_basics() {
    let j = Parser::parse(
        r#" {"a": [1, -2.5e-3, 3E2], "b": {"c": true, "d": null}, "e": "x y", "f": []} "#,
    );
    assert_eq!(j.get("a").nums(), vec![1.0, -0.0025, 300.0]);
    assert!(matches!(j.get("b").get("c"), Json::Bool(true)));
    assert!(matches!(j.get("b").get("d"), Json::Null));
    assert!(matches!(j.get("e"), Json::Str(s) if s == "x y"));
    assert!(j.get("f").arr().is_empty());
}

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

#[test]
fn one_vs_rest_and_f1_match_scikit_learn() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/logreg_sklearn.json");
    let text = std::fs::read_to_string(&path).expect("read logreg_sklearn.json");
    let root = Parser::parse(&text);
    let n = root.get("n").num() as usize;
    let dim = root.get("dim").num() as usize;
    let n_labels = root.get("n_labels").num() as usize;
    let x: Vec<f32> = root
        .get("features")
        .nums()
        .iter()
        .map(|&v| {
            let f = v as f32;
            assert_eq!(f64::from(f), v, "features must be exact in f32");
            f
        })
        .collect();
    assert_eq!(x.len(), n * dim);
    let labels: Vec<Vec<u32>> = root.get("labels").arr().iter().map(Json::u32s).collect();
    assert_eq!(labels.len(), n);

    let cases = root.get("cases").arr();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let c = case.get("c").num();
        let ratio = case.get("train_ratio").num();
        let train = case.get("train").u32s();
        let test = case.get("test").u32s();
        let liblinear = match case.get("solver") {
            Json::Str(s) => s == "liblinear",
            _ => panic!("solver"),
        };
        let cfg = LogisticConfig {
            c,
            penalize_intercept: liblinear,
            ..LogisticConfig::default()
        };
        let model = fit_one_vs_rest(&x, dim, &train, &labels, n_labels, &cfg).unwrap();
        let coefs = case.get("coef").arr();
        let intercepts = case.get("intercept").nums();
        let mut worst_coef = 0.0f64;
        for l in 0..n_labels {
            assert!(
                model.converged[l],
                "ratio {ratio} C {c} label {l}: not converged"
            );
            let want = coefs[l].nums();
            let scale = want
                .iter()
                .fold(intercepts[l].abs(), |a, &v| a.max(v.abs()));
            for (k, (&got, &w)) in model.coef(l).iter().zip(&want).enumerate() {
                let err = (got - w).abs() / scale;
                worst_coef = worst_coef.max(err);
                assert!(
                    err <= 1e-4,
                    "ratio {ratio} C {c} label {l} coef {k}: ours {got}, sklearn {w}"
                );
            }
            let err = (model.intercept[l] - intercepts[l]).abs() / scale;
            worst_coef = worst_coef.max(err);
            assert!(
                err <= 1e-4,
                "ratio {ratio} C {c} label {l} intercept: ours {}, sklearn {}",
                model.intercept[l],
                intercepts[l]
            );
        }
        let proba = model.predict_proba(&x, dim, &test).unwrap();
        let want = case.get("proba").nums();
        assert_eq!(proba.len(), want.len());
        let worst_p = proba
            .iter()
            .zip(&want)
            .fold(0.0f64, |a, (p, w)| a.max((p - w).abs()));
        assert!(
            worst_p <= 1e-5,
            "ratio {ratio} C {c}: probabilities differ by {worst_p}"
        );

        let s = evaluate_split(&x, dim, &labels, n_labels, &train, &test, c, liblinear).unwrap();
        let (micro, macro_) = (case.get("micro_f1").num(), case.get("macro_f1").num());
        assert!(
            (s.micro_f1 - micro).abs() <= 1e-12,
            "ratio {ratio} C {c}: micro-F1 ours {}, sklearn {micro}",
            s.micro_f1
        );
        assert!(
            (s.macro_f1 - macro_).abs() <= 1e-12,
            "ratio {ratio} C {c}: macro-F1 ours {}, sklearn {macro_}",
            s.macro_f1
        );
        println!(
            "ratio {ratio} C {c}: max coef error {worst_coef:.1e} (relative), max probability \
             error {worst_p:.1e}, micro-F1 {micro:.4}, macro-F1 {macro_:.4}"
        );
    }
}
