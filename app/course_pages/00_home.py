from gan_course.ui.lesson_page import render

render("00_home")
