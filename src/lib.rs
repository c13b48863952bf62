pub use spargraph_engine as engine;
